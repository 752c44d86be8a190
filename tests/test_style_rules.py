"""House rules that a grep can check (DESIGN.md section 3, rule 5: one home per concern)."""
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PKG = os.path.join(ROOT, "torkeras")


def _sources():
    for dirpath, _, files in os.walk(PKG):
        for f in files:
            if f.endswith(".py"):
                path = os.path.join(dirpath, f)
                yield os.path.relpath(path, PKG).replace(os.sep, "/"), open(path, encoding="utf8").read()


RULES = [
    ("h5py", re.compile(r"^\s*(import h5py|from h5py)", re.M), {"saving/hdf5_format.py"}),
    ("torch.cuda", re.compile(r"torch\.cuda"), {"backend/device.py"}),
    ("pluggy", re.compile(r"^\s*(import pluggy|from pluggy)", re.M), None),
    ("Keras-1 spellings", re.compile(r"['\"](nb_epoch|output_dim|W_regularizer|b_regularizer|"
                                     r"W_constraint|b_constraint|border_mode|dim_ordering|"
                                     r"nb_filter|subsample)['\"]"), None),
]


@pytest.mark.parametrize("what,pattern,allowed", RULES, ids=[r[0] for r in RULES])
def test_one_home_per_concern(what, pattern, allowed):
    strays = []
    for rel, text in _sources():
        if not pattern.search(text):
            continue
        if what == "pluggy" and rel.startswith("plugins/"):
            continue
        if what == "Keras-1 spellings" and rel.startswith("legacy/"):
            continue
        if allowed is not None and rel in allowed:
            continue
        strays.append(rel)
    assert not strays, "%s used outside its home: %s" % (what, strays)


def test_no_bare_except_pass():
    bad = []
    for rel, text in _sources():
        if re.search(r"except( Exception| BaseException)?:\s*\n\s*pass\b", text):
            bad.append(rel)
    assert not bad, bad


def test_env_vars_start_with_torkeras():
    bad = set()
    for rel, text in _sources():
        for name in re.findall(r"os\.environ(?:\.get)?\(?\[?['\"]([A-Z_]+)['\"]", text):
            if not name.startswith("TORKERAS_") and name not in ("KERAS_HOME",):
                bad.add((rel, name))
    assert not bad, bad
