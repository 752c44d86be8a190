"""`python -m torkeras upgrade`: Keras-1 spellings rewritten through the one Keras-1 table."""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from torkeras.legacy import keras1
from torkeras.legacy.upgrade import CLASS_RENAMES, upgrade_file, upgrade_source

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

KERAS1_SCRIPT = textwrap.dedent('''\
    # a Keras 1.2.2 script
    import sys
    import numpy as np
    from keras.models import Sequential, Model
    from keras.layers import Input, Dense, Dropout, Convolution2D, MaxPooling2D, Flatten
    from keras.layers import LSTM, Embedding

    import torch
    np.random.seed(1)
    torch.manual_seed(1)  # torkeras initializers draw from torch's generator
    x = np.random.rand(16, 8, 8, 1).astype('float32')
    y = np.random.rand(16, 4).astype('float32')
    nb_filters, nb_conv = 4, 3
    model = Sequential()
    model.add(Convolution2D(nb_filters, nb_conv, nb_conv,   # first conv: keep me
                            border_mode='same',
                            input_shape=(8, 8, 1), dim_ordering='tf'))
    model.add(MaxPooling2D(pool_size=(2, 2), border_mode='valid'))
    model.add(Flatten())
    model.add(Dense(output_dim=6, init='he_normal', W_regularizer=None))
    model.add(Dropout(p=0.25))
    model.add(Dense(4))
    model.compile(loss='mse', optimizer='sgd')
    model.fit(x, y, nb_epoch=2, batch_size=8, verbose=0, shuffle=False, show_accuracy=True)

    inp = Input(shape=(5,), dtype='int32')
    seq = Embedding(input_dim=20, output_dim=3)(inp)
    out = LSTM(output_dim=2, inner_activation='hard_sigmoid', forget_bias_init='one',
               consume_less='cpu')(seq)
    rnn = Model(input=inp, output=out)
    tokens = np.arange(10).reshape(2, 5) % 20
    np.save(sys.argv[1], np.concatenate([model.predict(x).ravel(), rnn.predict(tokens).ravel()]))
''')


def test_rewrites_calls_through_the_table_and_keeps_formatting():
    result = upgrade_source(KERAS1_SCRIPT)
    new = result.new_source
    assert "Conv2D(nb_filters, (nb_conv, nb_conv),   # first conv: keep me\n" in new
    assert "padding='same'" in new and "data_format='channels_last'" in new
    assert "MaxPooling2D(pool_size=(2, 2), padding='valid')" in new
    assert "Dense(units=6, kernel_initializer='he_normal', kernel_regularizer=None)" in new
    assert "Dropout(rate=0.25)" in new
    assert "fit(x, y, epochs=2, batch_size=8, verbose=0, shuffle=False)" in new
    assert "LSTM(units=2, recurrent_activation='hard_sigmoid', unit_forget_bias=True" in new
    assert "implementation=0" in new
    assert "Model(inputs=inp, outputs=out)" in new
    assert "from keras.layers import Input, Dense, Dropout, Conv2D, MaxPooling2D, Flatten\n" in new
    # lines with nothing to upgrade are byte-identical
    untouched = [l for l in KERAS1_SCRIPT.splitlines() if l.startswith(("np.", "x = ", "tokens"))]
    for line in untouched:
        assert line in new.splitlines()
    assert result.changes and not result.notes
    # idempotent: nothing left to upgrade
    again = upgrade_source(new)
    assert not again.changed and not again.changes


def _run(script_path, out_path, strict):
    env = dict(os.environ, PYTHONPATH=ROOT, TORKERAS_STRICT="1" if strict else "0",
               OMP_WAIT_POLICY="PASSIVE", TORKERAS_DEVICE="cpu")
    proc = subprocess.run([sys.executable, "-m", "torkeras", "run", script_path, out_path],
                          capture_output=True, text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return np.load(out_path), proc.stderr


def test_upgraded_script_runs_strict_and_computes_the_same(tmp_path):
    old = tmp_path / "old.py"
    old.write_text(KERAS1_SCRIPT)
    new = tmp_path / "new.py"
    assert upgrade_file(str(old), output=str(new), out=open(os.devnull, "w")) == 0
    before, err_old = _run(str(old), str(tmp_path / "a.npy"), strict=False)
    assert "Update your" in err_old  # the Keras-1 spellings did warn
    after, err_new = _run(str(new), str(tmp_path / "b.npy"), strict=True)
    assert "Update your" not in err_new
    np.testing.assert_array_equal(before, after)


def test_check_lists_changes_and_writes_nothing(tmp_path, capsys):
    script = tmp_path / "s.py"
    script.write_text("from keras.layers import Dense\nDense(output_dim=3)\n")
    assert upgrade_file(str(script), check=True) == 1
    out = capsys.readouterr().out
    assert "s.py:2: Dense: output_dim -> units" in out
    assert script.read_text() == "from keras.layers import Dense\nDense(output_dim=3)\n"


def test_default_rewrites_in_place_and_prints_a_diff(tmp_path, capsys):
    script = tmp_path / "s.py"
    script.write_text("Dense(output_dim=3)  # note\n")
    os.chmod(str(script), 0o750)
    assert upgrade_file(str(script)) == 0
    out = capsys.readouterr().out
    assert "-Dense(output_dim=3)  # note" in out and "+Dense(units=3)  # note" in out
    assert script.read_text() == "Dense(units=3)  # note\n"
    assert os.stat(str(script)).st_mode & 0o777 == 0o750
    assert [p.name for p in tmp_path.iterdir()] == ["s.py"]  # no temp file left


def test_nothing_to_change(tmp_path, capsys):
    script = tmp_path / "s.py"
    script.write_text("Dense(units=3)\n")
    assert upgrade_file(str(script), check=True) == 0
    assert "no Keras-1 spellings found" in capsys.readouterr().out


def test_untranslatable_calls_are_left_with_a_note():
    src = textwrap.dedent('''\
        MaxPooling2D(dim_ordering=ordering)
        x = merge([a, b], mode='concat')
        Embedding(10, 3, dropout=0.5)
        Dense(*args, output_dim=3)
    ''')
    result = upgrade_source(src)
    assert result.new_source == src
    notes = "\n".join(map(repr, result.notes))
    assert "line 1:" in notes and "dim_ordering=ordering" in notes
    assert "line 2:" in notes and "concatenate" in notes
    assert "line 3:" in notes and "SpatialDropout1D" in notes
    assert "line 4:" in notes and "*args/**kwargs" in notes


def test_multiline_keyword_removal_and_encoding(tmp_path):
    src = "# -*- coding: latin-1 -*-\n# caf\xe9\nmodel.fit(X, Y,\n          show_accuracy=True,\n          nb_epoch=3)\n"
    script = tmp_path / "s.py"
    script.write_bytes(src.encode("latin-1"))
    upgrade_file(str(script), out=open(os.devnull, "w"))
    assert script.read_bytes().decode("latin-1") == (
        "# -*- coding: latin-1 -*-\n# caf\xe9\nmodel.fit(X, Y,\n          epochs=3)\n")


@pytest.mark.parametrize("old", sorted(CLASS_RENAMES))
def test_class_renames_point_at_table_rows(old):
    new, row, extra = CLASS_RENAMES[old]
    assert row in keras1.TABLE
    import torkeras.layers as L
    assert getattr(L, new).__name__ == new
    sizes = {"1D": "", "2D": ", 3", "3D": ", 3, 3"}[old[-2:]]
    result = upgrade_source("from keras.layers import %s\nlayer = %s(8, 3%s, %s)\n" % (
        old, old, sizes, "atrous_rate=2" if extra else "border_mode='same'"))
    assert "layer = %s(8, " % new in result.new_source


def test_command_line(tmp_path):
    script = tmp_path / "s.py"
    script.write_text("model.fit(X, Y, nb_epoch=2)\n")
    env = dict(os.environ, PYTHONPATH=ROOT)
    check = subprocess.run([sys.executable, "-m", "torkeras", "upgrade", "--check", str(script)],
                           capture_output=True, text=True, env=env, timeout=120)
    assert check.returncode == 1 and "s.py:1: fit: nb_epoch -> epochs" in check.stdout
    done = subprocess.run([sys.executable, "-m", "torkeras", "upgrade", str(script)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert done.returncode == 0 and "+model.fit(X, Y, epochs=2)" in done.stdout
    assert script.read_text() == "model.fit(X, Y, epochs=2)\n"
    bad = tmp_path / "bad.py"
    bad.write_text("def (:\n")
    broken = subprocess.run([sys.executable, "-m", "torkeras", "upgrade", str(bad)],
                            capture_output=True, text=True, env=env, timeout=120)
    assert broken.returncode == 1 and "cannot upgrade" in broken.stderr
