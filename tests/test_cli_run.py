"""`python -m torkeras run SCRIPT`: every Keras 1 / 2.2.4 module path used in the tutorial resolves."""
import os
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

SCRIPT = r'''
import sys
import keras
from keras.models import Sequential, load_model, model_from_json
from keras.layers.core import Dense, Activation, Dropout, Flatten, Reshape, Permute, RepeatVector
from keras.layers.core import Lambda, Masking, ActivityRegularization
from keras.layers import Dense as D2
from keras.optimizers import SGD, Adam, RMSprop
from keras.utils import np_utils
from keras.utils.np_utils import to_categorical
import keras.backend as K
from keras import backend
from keras import objectives, initializations, losses, metrics, callbacks, regularizers, constraints
from keras.engine.topology import Layer, InputSpec
from keras.callbacks import EarlyStopping, ModelCheckpoint
import torkeras
assert keras is torkeras
assert D2 is Dense is torkeras.layers.Dense
assert sys.modules["keras.layers.core"] is torkeras.layers.core
assert torkeras.layers.core.__spec__.name == "torkeras.layers.core"
assert K.backend() == "pytorch"
assert objectives.mse is losses.mse
print("ARGS", sys.argv[1:])
print("NAME", __name__)
'''


def _run(tmp_path, script, *args):
    path = tmp_path / "old_script.py"
    path.write_text(script)
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "torkeras", "run", str(path)] + list(args),
                          cwd=str(tmp_path), env=env, capture_output=True, text=True, timeout=300)


def test_run_aliases_keras_module_paths(tmp_path):
    proc = _run(tmp_path, SCRIPT, "--flag", "value")
    assert proc.returncode == 0, proc.stderr
    assert "ARGS ['--flag', 'value']" in proc.stdout
    assert "NAME __main__" in proc.stdout


def test_run_missing_module_names_keras_path(tmp_path):
    proc = _run(tmp_path, "import keras.does_not_exist\n")
    assert proc.returncode != 0
    assert "keras.does_not_exist" in proc.stderr and "torkeras" in proc.stderr


def test_run_missing_script(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.run([sys.executable, "-m", "torkeras", "run", str(tmp_path / "nope.py")],
                          env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2 and "no such script" in proc.stderr


def test_import_has_no_side_effects():
    code = ("import sys, torkeras, torkeras._registry as r;"
            "assert not r._loaded, 'plugins scanned at import';"
            "assert 'pluggy' not in sys.modules, 'plugin manager imported at import';"
            "import torch; assert not torch.cuda.is_initialized()")
    env = dict(os.environ, PYTHONPATH=ROOT)
    env.pop("TORKERAS_DEVICE", None)
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ""
