"""Rewrite Keras-1 spellings in a script into Keras 2 ones (``python -m torkeras upgrade``).

The rewrite uses the same table as the runtime (:data:`torkeras.legacy.keras1.TABLE`, applied by
:func:`torkeras.legacy.keras1.convert`), so a script upgraded here calls exactly what torkeras would
have called for the Keras-1 spelling. Only the changed pieces of a call are replaced (a keyword's
name, a value, the positional kernel sizes), so comments, line breaks and the rest of the formatting
stay as they were.

What cannot be translated exactly (a Keras-1 value held in a variable, ``*args``/``**kwargs``, the
Keras-1 ``merge``/``Merge``) is left unchanged and listed as a note with its line number.
"""
import ast
import difflib
import io
import tokenize
import warnings

from ..errors import LegacyArgumentError
from . import keras1

#: Keras-1 class names -> (Keras 2 class name, TABLE row, extra keyword renames). Keras 2.2.4 kept the
#: Convolution* names as aliases; the upgrade writes the Keras 2 names its own warnings suggest.
CLASS_RENAMES = {
    "Convolution1D": ("Conv1D", "Conv1D", {}),
    "Convolution2D": ("Conv2D", "Conv2D", {}),
    "Convolution3D": ("Conv3D", "Conv3D", {}),
    "Deconvolution2D": ("Conv2DTranspose", "Conv2DTranspose", {}),
    "SeparableConvolution2D": ("SeparableConv2D", "SeparableConv2D", {}),
    "AtrousConvolution1D": ("Conv1D", "Conv1D", {"atrous_rate": "dilation_rate"}),
    "AtrousConv1D": ("Conv1D", "Conv1D", {"atrous_rate": "dilation_rate"}),
    "AtrousConvolution2D": ("Conv2D", "Conv2D", {"atrous_rate": "dilation_rate"}),
    "AtrousConv2D": ("Conv2D", "Conv2D", {"atrous_rate": "dilation_rate"}),
}

_MANUAL = {
    "merge": "the Keras-1 `merge(..., mode=...)` function: use add / multiply / concatenate(axis=...) / "
             "average / maximum / dot(axes=..., normalize=...) from keras.layers",
    "Merge": "the Keras-1 `Merge` layer: rebuild the branches with the functional API and a merge "
             "layer (Add, Concatenate, ...)",
}


class _Expr(int):
    """A non-literal argument: keeps its source text. Counts as an int where the table asks
    (Keras 1 kernel sizes held in variables, as in ``Convolution2D(nb_filters, nb_conv, nb_conv)``)."""

    def __new__(cls, source):
        obj = int.__new__(cls, 0)
        obj.source = source
        return obj

    def __repr__(self):
        return self.source

    __hash__ = object.__hash__

    def __eq__(self, other):
        return self is other

    def __ne__(self, other):
        return self is not other


class Change(object):
    """One rewritten call or import (or a note on one left alone): its line and a description."""

    def __init__(self, line, description):
        self.line = line
        self.description = description

    def __repr__(self):
        return "line %d: %s" % (self.line, self.description)


class Result(object):
    """What :func:`upgrade_source` found: the new text, the changes and the notes."""

    def __init__(self, source, new_source, changes, notes):
        self.source = source
        self.new_source = new_source
        self.changes = changes
        self.notes = notes

    @property
    def changed(self):
        return self.source != self.new_source

    def diff(self, filename="script.py"):
        """Unified diff between the original and the upgraded text."""
        return "".join(difflib.unified_diff(self.source.splitlines(True),
                                            self.new_source.splitlines(True),
                                            "a/" + filename, "b/" + filename))


def _line_offsets(source):
    offsets = [0]
    for line in source.splitlines(True):
        offsets.append(offsets[-1] + len(line))
    return offsets


class _Rewriter(object):
    def __init__(self, source):
        self.source = source
        self.offsets = _line_offsets(source)
        self.edits = []  # (start, end, text)
        self.changes = []
        self.notes = []

    # ---------------------------------------------------------------- positions
    def pos(self, lineno, col):
        # ast columns are UTF-8 byte offsets
        line_start = self.offsets[lineno - 1]
        line = self.source[line_start:self.offsets[lineno]]
        return line_start + len(line.encode("utf-8")[:col].decode("utf-8", "replace"))

    def start(self, node):
        return self.pos(node.lineno, node.col_offset)

    def end(self, node):
        return self.pos(node.end_lineno, node.end_col_offset)

    def text(self, node):
        return self.source[self.start(node):self.end(node)]

    def replace(self, start, end, text):
        self.edits.append((start, end, text))

    # ---------------------------------------------------------------- values
    def value_of(self, node):
        try:
            return ast.literal_eval(node)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            return _Expr(self.text(node))

    def render(self, value):
        if isinstance(value, _Expr):
            return value.source
        if isinstance(value, tuple):
            parts = [self.render(v) for v in value]
            return "(%s%s)" % (", ".join(parts), "," if len(parts) == 1 else "")
        if isinstance(value, list):
            return "[%s]" % ", ".join(self.render(v) for v in value)
        return repr(value)

    # ---------------------------------------------------------------- calls
    def visit_call(self, call):
        func = call.func
        if isinstance(func, ast.Name):
            name, name_node = func.id, func
        elif isinstance(func, ast.Attribute):
            name, name_node = func.attr, func
        else:
            return
        if name in _MANUAL:
            self.notes.append(Change(call.lineno, "not upgraded automatically: %s." % (_MANUAL[name],)))
            return
        new_class, row, extra = CLASS_RENAMES.get(name, (None, name, {}))
        if row not in keras1.TABLE:
            return
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            if any(k.arg in keras1.TABLE[row].get("renames", {}) or k.arg in extra
                   for k in call.keywords) or new_class:
                self.notes.append(Change(call.lineno, "`%s(...)` uses *args/**kwargs; upgrade it by "
                                         "hand." % (name,)))
            return
        args = tuple(self.value_of(a) for a in call.args)
        kw_nodes = {k.arg: k for k in call.keywords}
        kwargs = {k.arg: self.value_of(k.value) for k in call.keywords}
        pre_kwargs = {extra.get(k, k): v for k, v in kwargs.items()}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                new_args, new_kwargs = keras1.convert(row, args, pre_kwargs)
        except (TypeError, ValueError, LegacyArgumentError) as e:
            self.notes.append(Change(call.lineno, "`%s(...)` not upgraded: %s" % (name, e)))
            return
        described = []
        if new_class:
            if isinstance(name_node, ast.Name):
                self.replace(self.start(name_node), self.end(name_node), new_class)
            else:
                end = self.end(name_node)
                self.replace(end - len(name), end, new_class)
            described.append("%s -> %s" % (name, new_class))
        self._rewrite_positional(call, args, new_args, described)
        self._rewrite_keywords(call, kw_nodes, kwargs, extra, row, new_args, new_kwargs, described)
        if described:
            self.changes.append(Change(call.lineno, "%s: %s" % (name, ", ".join(described))))

    def _rewrite_positional(self, call, args, new_args, described):
        if len(args) == len(new_args) and all(a is b or (not isinstance(a, _Expr) and a == b)
                                              for a, b in zip(args, new_args)):
            return
        first = next((i for i, (a, b) in enumerate(zip(args, new_args)) if a is not b), min(
            len(args), len(new_args)))
        start = self.start(call.args[first])
        end = self.end(call.args[-1])
        self.replace(start, end, ", ".join(self.render(v) for v in new_args[first:]))
        described.append("positional arguments -> (%s)" % ", ".join(self.render(v) for v in new_args))

    def _rewrite_keywords(self, call, kw_nodes, kwargs, extra, row, new_args, new_kwargs, described):
        renames = dict(keras1.TABLE[row].get("renames", {}))
        accounted = set()
        removed = []
        for old, node in kw_nodes.items():
            key = extra.get(old, old)
            target = renames.get(key, key)
            if key == old and key in new_kwargs and new_kwargs[key] is kwargs[old]:
                accounted.add(key)
                continue
            if target in new_kwargs and target not in kw_nodes:
                accounted.add(target)
                new_value = new_kwargs[target]
                name_start = self.start(node)
                self.replace(name_start, name_start + len(old), target)
                if new_value is not kwargs[old] and not (
                        not isinstance(new_value, _Expr) and new_value == kwargs[old]
                        and type(new_value) is type(kwargs[old])):
                    self.replace(self.start(node.value), self.end(node.value), self.render(new_value))
                    described.append("%s=%s -> %s=%s" % (old, self.text(node.value), target,
                                                         self.render(new_value)))
                else:
                    described.append("%s -> %s" % (old, target))
                continue
            removed.append(node)
        added = [(k, v) for k, v in new_kwargs.items() if k not in accounted]
        if removed and added:
            described.append("%s -> %s" % (", ".join(n.arg for n in removed), ", ".join(
                "%s=%s" % (k, self.render(v)) for k, v in added)))
        elif removed:
            described.append("%s removed (no effect in Keras 1.2.2)" % ", ".join(n.arg for n in removed))
        for node in removed:
            if added:
                k, v = added.pop(0)
                self.replace(self.start(node), self.end(node), "%s=%s" % (k, self.render(v)))
            else:
                self._delete_keyword(call, node)
        if added:
            # more new keywords than removed ones to take the place of: append them
            items = list(call.args) + list(call.keywords)
            at = self.end(items[-1]) if items else self.end(call.func) + 1
            text = ", ".join("%s=%s" % (k, self.render(v)) for k, v in added)
            self.replace(at, at, (", " if items else "") + text)

    def _delete_keyword(self, call, node):
        items = list(call.args) + list(call.keywords)
        i = items.index(node)
        if i > 0:
            start, end = self.end(items[i - 1]), self.end(node)
        elif len(items) > 1:
            start, end = self.start(node), self.start(items[1])
        else:
            start, end = self.start(node), self.end(node)
        self.replace(start, end, "")

    # ---------------------------------------------------------------- imports
    def visit_import_from(self, node):
        if not (node.module or "").split(".")[0] == "keras":
            return
        present = {a.asname or a.name for a in node.names}
        for i, alias in enumerate(node.names):
            if alias.name not in CLASS_RENAMES:
                continue
            new = CLASS_RENAMES[alias.name][0]
            s = self.pos(alias.lineno, alias.col_offset)
            if alias.asname is None and new in present:
                # the Keras 2 name is imported already: drop the old one
                if i > 0:
                    prev = node.names[i - 1]
                    start = self.pos(prev.end_lineno, prev.end_col_offset)
                    self.replace(start, self.pos(alias.end_lineno, alias.end_col_offset), "")
                else:
                    nxt = node.names[i + 1]
                    self.replace(s, self.pos(nxt.lineno, nxt.col_offset), "")
                self.changes.append(Change(node.lineno, "import %s removed (%s is imported)"
                                           % (alias.name, new)))
                continue
            self.replace(s, s + len(alias.name), new)
            present.add(new)
            self.changes.append(Change(node.lineno, "import %s -> %s" % (alias.name, new)))

    def apply(self):
        self.edits.sort(key=lambda e: (e[0], e[1]))
        out, last = [], 0
        for start, end, text in self.edits:
            if start < last:
                raise RuntimeError("torkeras upgrade: overlapping edits at offset %d" % start)
            out.append(self.source[last:start])
            out.append(text)
            last = end
        out.append(self.source[last:])
        return "".join(out)


def upgrade_source(source, filename="<script>"):
    """Upgrade the Keras-1 spellings in ``source`` (Python text) to Keras 2.

    Args:
        source: the script's text.
        filename: used in syntax-error messages.

    Returns:
        a :class:`Result` with ``new_source``, ``changes`` (one per rewritten call or import) and
        ``notes`` (what was left for a person to do).

    Example:
        >>> upgrade_source("Dense(output_dim=10, init='uniform')\\n").new_source
        "Dense(units=10, kernel_initializer='uniform')\\n"
    """
    tree = ast.parse(source, filename=filename)
    rw = _Rewriter(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            rw.visit_call(node)
        elif isinstance(node, ast.ImportFrom):
            rw.visit_import_from(node)
    rw.changes.sort(key=lambda c: c.line)
    rw.notes.sort(key=lambda n: n.line)
    new_source = rw.apply()
    ast.parse(new_source, filename=filename)  # the rewrite must stay valid Python
    return Result(source, new_source, rw.changes, rw.notes)


def read_source(path):
    """Read a script with the encoding its coding cookie declares."""
    with open(path, "rb") as f:
        encoding, _ = tokenize.detect_encoding(f.readline)
    with io.open(path, "r", encoding=encoding, newline="") as f:
        return f.read(), encoding


def upgrade_file(path, check=False, output=None, out=None):
    """The ``python -m torkeras upgrade`` command.

    Args:
        path: the script to upgrade.
        check: only list what would change (nothing is written); exit status 1 when something would.
        output: write the upgraded script here instead of over ``path``.
        out: text stream for the report (default ``sys.stdout``).

    Returns:
        the exit status: 0 (done, or nothing to change), 1 (``check`` found changes).
    """
    import os
    import sys
    import tempfile
    out = out or sys.stdout
    source, encoding = read_source(path)
    result = upgrade_source(source, filename=path)
    if check:
        for change in result.changes:
            print("%s:%d: %s" % (path, change.line, change.description), file=out)
    elif result.changed or output:
        out.write(result.diff(os.path.basename(path)))
        target = output or path
        directory = os.path.dirname(os.path.abspath(target))
        fd, tmp = tempfile.mkstemp(prefix=".torkeras-upgrade-", suffix=".py", dir=directory)
        try:
            with io.open(fd, "w", encoding=encoding, newline="") as f:
                f.write(result.new_source)
            if os.path.exists(path):
                os.chmod(tmp, os.stat(path).st_mode & 0o7777)
            os.replace(tmp, target)
        except BaseException:
            os.unlink(tmp)
            raise
    for note in result.notes:
        print("%s:%d: %s" % (path, note.line, note.description), file=out)
    if not result.changes:
        print("%s: no Keras-1 spellings found." % (path,), file=out)
    return 1 if (check and result.changes) else 0
