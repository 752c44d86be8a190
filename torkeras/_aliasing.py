"""Make ``import keras`` (and every ``keras.*`` module path) resolve to torkeras.

Used by ``python -m torkeras run SCRIPT``. A meta-path finder maps ``keras.X.Y`` to
``torkeras.X.Y`` (or the Keras-1 alias named in :data:`torkeras.legacy.keras1.MODULE_ALIASES`), and
puts the same module object in ``sys.modules`` under the ``keras`` name: classes are identical, so
``isinstance`` checks and pickling of torkeras objects behave the same under either name.
"""
import importlib
import importlib.abc
import importlib.util
import sys

from .legacy.keras1 import MODULE_ALIASES

ALIAS = "keras"
TARGET = "torkeras"


def target_name(fullname, alias=ALIAS):
    if fullname in MODULE_ALIASES:
        return MODULE_ALIASES[fullname]
    return TARGET + fullname[len(alias):]


class _AliasLoader(importlib.abc.Loader):
    def __init__(self, module):
        self.module = module

    def create_module(self, spec):
        return self.module

    def exec_module(self, module):
        # importlib stamped the alias spec onto the shared module: put the real one back.
        module.__spec__ = self._spec
        module.__loader__ = self._loader


class KerasAliasFinder(importlib.abc.MetaPathFinder):
    """Finder answering ``keras`` and ``keras.*`` with torkeras modules."""

    def __init__(self, alias=ALIAS):
        self.alias = alias

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.alias and not fullname.startswith(self.alias + "."):
            return None
        real = target_name(fullname, self.alias)
        try:
            module = importlib.import_module(real)
        except ModuleNotFoundError as e:
            if e.name and (e.name == real or real.startswith(e.name + ".")):
                raise ModuleNotFoundError(
                    "No module named %r: torkeras has no %r (the module %s would map to)."
                    % (fullname, real, fullname), name=fullname)
            raise
        loader = _AliasLoader(module)
        loader._spec = module.__spec__
        loader._loader = getattr(module, "__loader__", None)
        is_pkg = hasattr(module, "__path__")
        spec = importlib.util.spec_from_loader(fullname, loader, is_package=is_pkg)
        return spec


def install(alias=ALIAS):
    """Install the finder (idempotent). Refuses if a real ``keras`` is already imported."""
    for finder in sys.meta_path:
        if isinstance(finder, KerasAliasFinder) and finder.alias == alias:
            return finder
    if alias in sys.modules and not sys.modules[alias].__name__.startswith(TARGET):
        raise RuntimeError("A real %r module is already imported (%r); cannot alias it to torkeras."
                           % (alias, sys.modules[alias]))
    finder = KerasAliasFinder(alias)
    sys.meta_path.insert(0, finder)
    return finder


def uninstall(alias=ALIAS):
    sys.meta_path[:] = [f for f in sys.meta_path
                        if not (isinstance(f, KerasAliasFinder) and f.alias == alias)]
    for name in [n for n in sys.modules if n == alias or n.startswith(alias + ".")]:
        if getattr(sys.modules[name], "__name__", "").startswith(TARGET):
            del sys.modules[name]
