"""The classic-style scripts in compat_tests/scripts/ run unchanged under ``python -m torkeras run``.

Each script trains on small local data and asserts that its loss falls and that its outputs have the
right shapes; this test runs it in a fresh interpreter (as a user would) and checks it exits 0.
Scripts named ``k1_*`` use Keras 1.2.2 spellings, ``k2_*`` Keras 2.2.4 spellings.
"""
import os
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
SCRIPTS_DIR = os.path.join(HERE, "scripts")
SCRIPTS = sorted(n for n in os.listdir(SCRIPTS_DIR) if n.endswith(".py"))


def test_both_spellings_are_covered():
    k1 = [s for s in SCRIPTS if s.startswith("k1_")]
    k2 = [s for s in SCRIPTS if s.startswith("k2_")]
    assert len(k1) >= 6 and len(k2) >= 6, SCRIPTS
    assert len(k1) + len(k2) == len(SCRIPTS), "scripts must be named k1_* or k2_*"


@pytest.mark.parametrize("script", SCRIPTS)
def test_script_runs_unchanged(script, tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""),
               OMP_WAIT_POLICY="PASSIVE", TORKERAS_DEVICE="cpu", TORKERAS_NUM_THREADS="1",
               KERAS_HOME=str(tmp_path / "keras_home"))
    env.pop("TORKERAS_STRICT", None)
    proc = subprocess.run([sys.executable, "-m", "torkeras", "run", os.path.join(SCRIPTS_DIR, script),
                           str(tmp_path)], cwd=str(tmp_path), env=env, capture_output=True, text=True,
                          timeout=600)
    assert proc.returncode == 0, "%s failed:\n%s\n%s" % (script, proc.stdout[-3000:], proc.stderr[-5000:])
    if script.startswith("k1_"):
        # the Keras-1 spellings really were exercised (and warned about)
        assert "Update your" in proc.stderr, proc.stderr[-2000:]
