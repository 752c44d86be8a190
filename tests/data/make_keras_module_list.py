"""Write ``keras_modules.txt``: every module path of Keras 2.2.4 and 1.2.2 with its public names.

Reads the Keras sources from a git mirror (no Keras install needed) and parses each module with
``ast`` (nothing is imported or executed). Run from the repository root:

    python tests/data/make_keras_module_list.py [--git-dir /work/.mirror/keras-team+keras/repo]

A module's public names are the names a script could import from it that Keras defined or
re-exported, i.e. at module level (including inside top-level ``if``/``try``/``with`` blocks):

* ``def``/``class`` statements and assignments to plain names (``Convolution2D = Conv2D``);
* ``from <a keras module> import Name [as alias]`` where ``Name`` is not itself a module, except
  helpers a module imports for its own use: names taken from a helper module (``keras.utils.*``,
  ``keras.backend*``, ``keras.engine.training_utils``) count only in a package ``__init__`` or a pure
  re-export module (one with no ``def``/``class``);
* ``from <a keras module> import *`` expanded with that module's own public names, in a package
  ``__init__`` or a pure re-export module (Keras 1.2.2 ``utils/layer_utils.py`` star-imported
  ``keras.layers`` for its own look-ups; that does not make ``Dense`` one of its names).

``keras.backend`` star-imports the module of the configured backend; its names are those of
``keras.backend.tensorflow_backend`` (Keras's default backend), not the union of all three.

Left out: names starting with ``_``; plain ``import x`` statements; names imported from outside
Keras (numpy, six, tensorflow...); the ``x = None`` fallback of an optional ``import x`` / ``from m import x``.

Output: one line per (tag, module): ``<tag> <module> <name> <name> ...``, sorted.
"""
import argparse
import ast
import os
import subprocess

TAGS = ("2.2.4", "1.2.2")
DEFAULT_GIT_DIR = "/work/.mirror/keras-team+keras/repo"
HELPER_MODULES = ("keras.utils.", "keras.backend", "keras.engine.training_utils")
DEFAULT_BACKEND_MODULE = "keras.backend.tensorflow_backend"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "keras_modules.txt")


def _git(git_dir, *args):
    return subprocess.run(["git", "--git-dir=" + git_dir] + list(args), check=True,
                          capture_output=True, text=True).stdout


def module_files(git_dir, tag):
    """Map module path -> file path for every ``keras/**.py`` at ``tag``."""
    files = _git(git_dir, "ls-tree", "-r", "--name-only", tag, "keras/").split()
    out = {}
    for path in files:
        if not path.endswith(".py"):
            continue
        mod = path[:-3].replace("/", ".")
        if mod.endswith(".__init__"):
            mod = mod[: -len(".__init__")]
        out[mod] = path
    return out


def _resolve(module, level, name, is_pkg):
    """Absolute module name of ``from <level dots><name> import ...`` written in ``module``."""
    if level == 0:
        return name
    parts = module.split(".")
    base = parts if is_pkg else parts[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([name] if name else []))


def _top_statements(body):
    for node in body:
        if isinstance(node, ast.If):
            yield from _top_statements(node.body)
            yield from _top_statements(node.orelse)
        elif isinstance(node, ast.Try):
            yield from _top_statements(node.body)
            for h in node.handlers:
                yield from _top_statements(h.body)
            yield from _top_statements(node.orelse)
            yield from _top_statements(node.finalbody)
        elif isinstance(node, ast.With):
            yield from _top_statements(node.body)
        else:
            yield node


def _targets(target):
    if isinstance(target, ast.Name):
        yield target.id
    elif isinstance(target, (ast.Tuple, ast.List)):
        for t in target.elts:
            yield from _targets(t)


def public_names(git_dir, tag, modules, module, cache):
    """Public names of ``module`` at ``tag`` (see the module docstring)."""
    if module in cache:
        return cache[module]
    cache[module] = set()   # guards import cycles
    path = modules[module]
    tree = ast.parse(_git(git_dir, "show", "%s:%s" % (tag, path)))
    is_pkg = path.endswith("__init__.py")
    statements = list(_top_statements(tree.body))
    reexporter = is_pkg or not any(isinstance(n, (ast.FunctionDef, ast.ClassDef)) for n in statements)
    plain_imports = {(a.asname or a.name).split(".")[0]
                     for n in statements if isinstance(n, ast.Import) for a in n.names}
    plain_imports.update(a.asname or a.name for n in statements if isinstance(n, ast.ImportFrom)
                         and n.level == 0 and not (n.module or "").startswith("keras")
                         for a in n.names)
    names = set()
    for node in statements:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Assign):
            for t in node.targets:
                names.update(n for n in _targets(t) if n not in plain_imports)
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, node.level, node.module, is_pkg)
            if source != "keras" and not source.startswith("keras."):
                continue
            if not reexporter and source.startswith(HELPER_MODULES):
                continue
            for alias in node.names:
                if alias.name == "*":
                    if source.endswith("_backend") and source != DEFAULT_BACKEND_MODULE:
                        continue
                    if reexporter and source in modules:
                        names.update(public_names(git_dir, tag, modules, source, cache))
                    continue
                if source + "." + alias.name in modules:
                    continue   # a submodule, not a name
                names.add(alias.asname or alias.name)
    names = {n for n in names if not n.startswith("_")}
    cache[module] = names
    return names


def build(git_dir):
    lines = []
    for tag in TAGS:
        modules = module_files(git_dir, tag)
        cache = {}
        for module in sorted(modules):
            names = sorted(public_names(git_dir, tag, modules, module, cache))
            lines.append(" ".join([tag, module] + names))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--git-dir", default=DEFAULT_GIT_DIR)
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args()
    lines = build(args.git_dir)
    tmp = args.out + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, args.out)
    print("wrote %d modules to %s" % (len(lines), args.out))


if __name__ == "__main__":
    main()
