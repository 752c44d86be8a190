"""fit_generator / evaluate_generator / predict_generator, Sequence and the enqueuers."""
import multiprocessing
import os
import random
import threading
import traceback
import warnings

import numpy as np
import pytest

from torkeras import callbacks as cbks
from torkeras.engine.training import Model
from torkeras.layers import Dense, Input
from torkeras.legacy import keras1
from torkeras.models import Sequential
from torkeras.utils import Sequence
from torkeras.utils.data_utils import GeneratorEnqueuer, OrderedEnqueuer

BATCH = 8


@pytest.fixture(autouse=True)
def no_leftovers(monkeypatch):
    """Every test must leave no worker thread or process behind, whatever happened."""
    monkeypatch.delenv("TORKERAS_STRICT", raising=False)
    keras1._reset_warnings_for_tests()
    before = set(threading.enumerate())
    yield
    keras1._reset_warnings_for_tests()
    assert set(threading.enumerate()) == before
    assert multiprocessing.active_children() == []


def _data(n=40, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.rand(n, 4).astype("float32")
    y = np.eye(3, dtype="float32")[rng.randint(0, 3, n)]
    return x, y


def _mlp():
    model = Sequential([Dense(6, activation="relu", input_shape=(4,)), Dense(3, activation="softmax")])
    model.compile("sgd", "categorical_crossentropy", metrics=["accuracy"])
    return model


def _twins():
    a, b = _mlp(), _mlp()
    b.set_weights(a.get_weights())
    return a, b


class ArraySequence(Sequence):
    """Consecutive slices of arrays; counts on_epoch_end calls (in the parent process)."""

    def __init__(self, *arrays, batch_size=BATCH):
        self.arrays = arrays
        self.batch_size = batch_size
        self.epoch_ends = 0

    def __len__(self):
        return int(np.ceil(len(self.arrays[0]) / float(self.batch_size)))

    def __getitem__(self, idx):
        s = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
        batch = tuple(a[s] for a in self.arrays)
        return batch if len(batch) > 1 else batch[0]

    def on_epoch_end(self):
        self.epoch_ends += 1


def _batches(*arrays, batch_size=BATCH):
    """A plain generator: the same slices as fit(shuffle=False), forever (one array: bare x)."""
    n = len(arrays[0])
    while True:
        for start in range(0, n, batch_size):
            batch = tuple(a[start:start + batch_size] for a in arrays)
            yield batch if len(batch) > 1 else batch[0]


class WithBatchSize(object):
    """An iterator with a ``batch_size`` attribute (as Keras's image iterators have)."""

    def __init__(self, x, y, batch_size=BATCH):
        self.batch_size = batch_size
        self._it = _batches(x, y, batch_size=batch_size)

    def __iter__(self):
        return self

    def __next__(self):
        return next(self._it)


def _same_weights(a, b):
    return all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))


# ------------------------------------------------------------------ equality with fit
MODES = {
    "sequence-main": (lambda x, y: ArraySequence(x, y), dict(workers=0)),
    "sequence-2-threads": (lambda x, y: ArraySequence(x, y), dict(workers=2)),
    "sequence-2-processes": (lambda x, y: ArraySequence(x, y),
                             dict(workers=2, use_multiprocessing=True)),
    "generator-main": (lambda x, y: _batches(x, y), dict(workers=0)),
    "generator-3-threads": (lambda x, y: _batches(x, y), dict(workers=3)),
    "generator-1-process": (lambda x, y: _batches(x, y), dict(workers=1, use_multiprocessing=True)),
}


@pytest.mark.parametrize("mode", sorted(MODES))
def test_fit_generator_gives_the_weights_of_fit(mode):
    x, y = _data(37)  # last batch of 5
    make, kwargs = MODES[mode]
    ref, gen = _twins()
    h_ref = ref.fit(x, y, batch_size=BATCH, epochs=3, shuffle=False, verbose=0)
    h_gen = gen.fit_generator(make(x, y), steps_per_epoch=5, epochs=3, shuffle=False, verbose=0,
                              **kwargs)
    assert _same_weights(ref, gen)
    assert h_gen.history == h_ref.history
    assert h_gen.epoch == [0, 1, 2]


def test_validation_tuple_and_history_keys_match_fit():
    x, y = _data(40)
    xv, yv = _data(16, seed=1)
    ref, gen = _twins()
    h_ref = ref.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0, validation_data=(xv, yv))
    h_gen = gen.fit_generator(_batches(x, y), steps_per_epoch=5, epochs=2, verbose=0,
                              validation_data=(xv, yv))
    assert sorted(h_gen.history) == ["acc", "loss", "val_acc", "val_loss"]
    assert h_gen.history == h_ref.history
    assert h_gen.history["val_accuracy"] == h_ref.history["val_accuracy"]
    assert h_gen.params == {"epochs": 2, "steps": 5, "verbose": 0, "do_validation": True,
                            "metrics": ["loss", "acc", "val_loss", "val_acc"]}


@pytest.mark.parametrize("workers", [0, 2])
def test_validation_generator_and_sequence(workers):
    x, y = _data(40)
    xv, yv = _data(16, seed=1)
    ref, a, b = _mlp(), _mlp(), _mlp()
    a.set_weights(ref.get_weights())
    b.set_weights(ref.get_weights())
    h_ref = ref.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0, validation_data=(xv, yv))
    h_a = a.fit_generator(_batches(x, y), 5, 2, verbose=0, validation_data=_batches(xv, yv),
                          validation_steps=2, workers=workers)
    val_seq = ArraySequence(xv, yv)
    h_b = b.fit_generator(ArraySequence(x, y), epochs=2, verbose=0, validation_data=val_seq,
                          workers=workers, shuffle=False)
    assert h_a.history == h_ref.history
    assert h_b.history == h_ref.history
    assert val_seq.epoch_ends == 1  # between the two validation passes


def test_class_weight_sample_weight_and_initial_epoch_match_fit():
    x, y = _data(40)
    sw = np.linspace(0.5, 2.0, 40).astype("float32")
    cw = {0: 1.0, 1: 3.0, 2: 0.5}
    for fit_kw, gen_source, gen_kw in [
            (dict(class_weight=cw), _batches(x, y), dict(class_weight=cw)),
            (dict(sample_weight=sw), _batches(x, y, sw), {})]:
        ref, gen = _twins()
        h_ref = ref.fit(x, y, batch_size=BATCH, epochs=3, shuffle=False, verbose=0, initial_epoch=1,
                        **fit_kw)
        h_gen = gen.fit_generator(gen_source, 5, 3, verbose=0, initial_epoch=1, **gen_kw)
        assert _same_weights(ref, gen)
        assert h_gen.epoch == h_ref.epoch == [1, 2]
        assert h_gen.history == h_ref.history


def test_callback_calls_match_fit():
    class Recorder(cbks.Callback):
        def __init__(self):
            super(Recorder, self).__init__()
            self.calls = []

        def on_train_begin(self, logs=None):
            self.calls.append(("train_begin",))

        def on_epoch_begin(self, epoch, logs=None):
            self.calls.append(("epoch_begin", epoch))

        def on_batch_begin(self, batch, logs=None):
            self.calls.append(("batch_begin", batch, sorted(logs), logs["size"]))

        def on_batch_end(self, batch, logs=None):
            self.calls.append(("batch_end", batch, sorted(logs)))

        def on_epoch_end(self, epoch, logs=None):
            self.calls.append(("epoch_end", epoch, sorted(logs)))

        def on_train_end(self, logs=None):
            self.calls.append(("train_end",))

    x, y = _data(37)
    ref, gen = _twins()
    r_ref, r_gen = Recorder(), Recorder()
    ref.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0, callbacks=[r_ref],
            validation_data=(x, y))
    gen.fit_generator(ArraySequence(x, y), epochs=2, verbose=0, callbacks=[r_gen],
                      validation_data=(x, y), shuffle=False)
    assert r_gen.calls == r_ref.calls
    assert r_gen.model is gen


def test_verbose_2_prints_the_epoch_lines_of_fit(capsys):
    x, y = _data(40)
    ref, gen = _twins()
    ref.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=2)
    out_ref = capsys.readouterr().out
    gen.fit_generator(_batches(x, y), 5, 2, verbose=2)
    out_gen = capsys.readouterr().out
    assert out_gen == out_ref and out_gen.count("Epoch ") == 2 and " - loss: " in out_gen


def test_verbose_1_counts_steps(capsys):
    x, y = _data(40)
    _mlp().fit_generator(_batches(x, y), 5, 1, verbose=1)
    out = capsys.readouterr().out
    assert "5/5 [" in out and "40/40" not in out


def test_early_stopping_callback_works():
    x, y = _data(40)
    model = _mlp()
    stopper = cbks.LambdaCallback(on_batch_end=lambda batch, logs: setattr(
        model, "stop_training", batch == 2))
    history = model.fit_generator(_batches(x, y), 5, 4, verbose=0, callbacks=[stopper])
    assert history.epoch == [0]


# ------------------------------------------------------------------ Sequence specifics
@pytest.mark.parametrize("kwargs", [dict(workers=0), dict(workers=2),
                                    dict(workers=2, use_multiprocessing=True)],
                         ids=["main", "threads", "processes"])
def test_sequence_shuffle_and_on_epoch_end(kwargs):
    x, y = _data(40)
    plain, shuffled = _twins()
    plain.fit_generator(ArraySequence(x, y), epochs=3, verbose=0, shuffle=False, **kwargs)
    seq = ArraySequence(x, y)
    random.seed(1234)
    shuffled.fit_generator(seq, epochs=3, verbose=0, shuffle=True, **kwargs)
    # on_epoch_end runs between passes: before the 2nd and the 3rd.
    assert seq.epoch_ends == 2
    assert not _same_weights(plain, shuffled)


def test_shuffled_sequence_same_weights_in_every_mode():
    x, y = _data(40)
    results = []
    for kwargs in (dict(workers=0), dict(workers=2), dict(workers=2, use_multiprocessing=True)):
        model = _mlp()
        if results:
            model.set_weights(results[0][1])
        random.seed(99)
        start = model.get_weights()
        model.fit_generator(ArraySequence(x, y), epochs=3, verbose=0, shuffle=True, **kwargs)
        results.append((model, start))
    for model, _ in results[1:]:
        assert _same_weights(results[0][0], model)
    # and equal to fit on the batches in that order
    random.seed(99)
    order = []
    for _ in range(3):
        p = list(range(5))
        random.shuffle(p)
        order.append(p)
    ref = _mlp()
    ref.set_weights(results[0][1])
    for p in order:
        idx = np.concatenate([np.arange(i * BATCH, (i + 1) * BATCH) for i in p])
        ref.fit(x[idx], y[idx], batch_size=BATCH, epochs=1, shuffle=False, verbose=0)
    assert _same_weights(ref, results[0][0])


def test_sequence_steps_default_to_len_and_empty_sequence_errors():
    x, y = _data(40)
    assert _mlp().fit_generator(ArraySequence(x, y), verbose=0).params["steps"] == 5
    with pytest.raises(ValueError, match="len"):
        _mlp().fit_generator(ArraySequence(x[:0], y[:0]), verbose=0)


def test_sequence_base_class():
    class Incomplete(Sequence):
        pass
    with pytest.raises(NotImplementedError, match="__getitem__"):
        Incomplete()[0]
    with pytest.raises(NotImplementedError, match="__len__"):
        len(Incomplete())
    x, y = _data(20)
    assert [len(b[0]) for b in ArraySequence(x, y)] == [8, 8, 4]


# ------------------------------------------------------------------ evaluate / predict
@pytest.mark.parametrize("workers", [0, 2])
def test_evaluate_generator_is_the_batch_size_weighted_mean(workers):
    x, y = _data(37)
    model = _mlp()
    per_batch = [model.test_on_batch(x[s:s + BATCH], y[s:s + BATCH]) for s in range(0, 37, BATCH)]
    sizes = [len(x[s:s + BATCH]) for s in range(0, 37, BATCH)]
    expected = np.average(np.asarray(per_batch), axis=0, weights=sizes)
    got = model.evaluate_generator(ArraySequence(x, y), workers=workers)
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    got_gen = model.evaluate_generator(_batches(x, y), steps=5, workers=workers)
    assert got_gen == got


def test_predict_generator_concatenates_outputs():
    x, _ = _data(37)
    inp = Input(shape=(4,))
    model = Model(inp, [Dense(2)(inp), Dense(3)(inp)])
    expected = model.predict(x, batch_size=BATCH)
    got = model.predict_generator(ArraySequence(x), workers=0)
    assert isinstance(got, list) and len(got) == 2
    for e, g in zip(expected, got):
        assert np.array_equal(e, g)
    single = _mlp()
    y = single.predict(x, batch_size=BATCH)
    # bare x, (x, y) and (x, y, w) batches are all accepted
    assert np.array_equal(single.predict_generator(_batches(x), steps=5, workers=2), y)
    assert np.array_equal(single.predict_generator(_batches(x, x, x), steps=5), y)
    assert single.predict_generator(_batches(x), steps=1).shape == (BATCH, 3)


# ------------------------------------------------------------------ Keras-1 arguments
def _legacy_messages(caught):
    return [str(w.message) for w in caught if issubclass(w.category, UserWarning)]


def test_keras1_fit_generator_call_divides_by_batch_size_and_warns():
    x, y = _data(40)
    xv, yv = _data(16, seed=1)
    ref, gen = _twins()
    h_ref = ref.fit(x, y, batch_size=BATCH, epochs=2, shuffle=False, verbose=0,
                    validation_data=(xv, yv))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h = gen.fit_generator(WithBatchSize(x, y), samples_per_epoch=40, nb_epoch=2, verbose=0,
                              validation_data=_batches(xv, yv), nb_val_samples=2, nb_worker=1,
                              pickle_safe=False, max_q_size=4)
    messages = _legacy_messages(caught)
    assert any("Update your `fit_generator` call to the Keras 2 API" in m and "steps_per_epoch=5" in m
               for m in messages), messages
    assert any("a Keras 2 step is one batch" in m for m in messages), messages
    assert h.params["steps"] == 5
    assert h.history == h_ref.history


def test_keras1_samples_per_epoch_without_batch_size_is_kept_as_steps():
    x, y = _data(40)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        h = _mlp().fit_generator(_batches(x, y), samples_per_epoch=3, verbose=0)
    assert h.params["steps"] == 3
    assert any("samples_per_epoch=3 was kept as the step count" in m
               for m in _legacy_messages(caught))


def test_keras1_positional_calls():
    x, y = _data(40)
    model = _mlp()
    assert model.fit_generator(_batches(x, y), 5, 2, verbose=0).epoch == [0, 1]
    with pytest.raises(TypeError, match="positional"):
        model.fit_generator(_batches(x, y), 5, 2, 0)
    with pytest.raises(TypeError, match="Stick to the latter"):
        model.fit_generator(_batches(x, y), samples_per_epoch=40, steps_per_epoch=5)


def test_keras1_strict_mode_rejects(monkeypatch):
    monkeypatch.setenv("TORKERAS_STRICT", "1")
    x, y = _data(40)
    from torkeras.errors import LegacyArgumentError
    with pytest.raises(LegacyArgumentError, match="TORKERAS_STRICT"):
        _mlp().evaluate_generator(_batches(x, y), val_samples=2)


# ------------------------------------------------------------------ bad input
@pytest.mark.parametrize("output", [np.zeros((8, 4)), (np.zeros((8, 4)),),
                                    (np.zeros((8, 4)), np.zeros((8, 3)), None, None), 7],
                         ids=["bare-x", "1-tuple", "4-tuple", "int"])
@pytest.mark.parametrize("method", ["fit", "evaluate"])
def test_bad_generator_output(output, method):
    def gen():
        while True:
            yield output
    model = _mlp()
    call = model.fit_generator if method == "fit" else model.evaluate_generator
    with pytest.raises(ValueError, match=r"Output of generator should be a tuple `\(x, y, "
                                         r"sample_weight\)` or `\(x, y\)`. Found: "):
        call(gen(), 2, verbose=0)


def test_predict_generator_rejects_long_tuples():
    def gen():
        while True:
            yield np.zeros((8, 4)), None, None, None
    with pytest.raises(ValueError, match="Output of generator should be a tuple"):
        _mlp().predict_generator(gen(), 1)


def test_missing_steps_and_bad_arguments():
    x, y = _data(40)
    model = _mlp()
    with pytest.raises(ValueError, match="`steps_per_epoch=None` is only valid"):
        model.fit_generator(_batches(x, y))
    with pytest.raises(ValueError, match="`validation_steps=None` is only valid"):
        model.fit_generator(_batches(x, y), 5, validation_data=_batches(x, y))
    with pytest.raises(ValueError, match="`steps=None` is only valid"):
        model.evaluate_generator(_batches(x, y))
    with pytest.raises(ValueError, match="`steps=None` is only valid"):
        model.predict_generator(_batches(x))
    with pytest.raises(TypeError, match="call the generator function"):
        model.fit_generator(_batches, 5)
    with pytest.raises(TypeError, match="Sequence"):
        model.fit_generator([(x, y)], 5)
    with pytest.raises(ValueError, match="workers"):
        model.fit_generator(_batches(x, y), 5, workers=-1)
    with pytest.raises(ValueError, match="max_queue_size"):
        model.fit_generator(_batches(x, y), 5, max_queue_size=0)
    with pytest.raises(ValueError, match="steps_per_epoch"):
        model.fit_generator(_batches(x, y), 0)
    with pytest.raises(ValueError, match="validation_data"):
        model.fit_generator(_batches(x, y), 5, validation_data=(x,))
    with pytest.raises(ValueError, match="val_y=None"):
        model.fit_generator(_batches(x, y), 5, validation_data=(x, None))


def test_finite_generator_reports_running_out():
    x, y = _data(16)

    def two_batches():
        yield x[:8], y[:8]
        yield x[8:], y[8:]
    for workers in (0, 2):
        with pytest.raises(RuntimeError, match="ran out of batches after 2 of the 3 steps"):
            _mlp().fit_generator(two_batches(), 3, verbose=0, workers=workers)
    with pytest.raises(RuntimeError, match=r"\(validation_data\): the generator ran out"):
        _mlp().fit_generator(_batches(x, y), 2, verbose=0, validation_data=two_batches(),
                             validation_steps=3)


def test_multiprocessing_generator_warns_about_copies():
    x, y = _data(40)
    with pytest.warns(UserWarning, match="batches may repeat"):
        _mlp().evaluate_generator(_batches(x, y), 2, workers=2, use_multiprocessing=True)


# ------------------------------------------------------------------ exceptions and cleanup
def _failing_generator(x, y, after):
    for i in range(after):
        yield x[:BATCH], y[:BATCH]
    raise KeyError("broken batch %d" % after)


class FailingSequence(ArraySequence):
    def __getitem__(self, idx):
        if idx == 3:
            raise KeyError("broken batch 3")
        return super(FailingSequence, self).__getitem__(idx)


@pytest.mark.parametrize("kwargs", [dict(workers=0), dict(workers=1), dict(workers=3),
                                    dict(workers=1, use_multiprocessing=True)],
                         ids=["main", "1-thread", "3-threads", "process"])
def test_generator_exception_propagates_and_stops_training(kwargs):
    x, y = _data(40)
    seen = []
    cb = cbks.LambdaCallback(on_batch_end=lambda batch, logs: seen.append(batch))
    with pytest.raises(KeyError, match="broken batch 3") as info:
        _mlp().fit_generator(_failing_generator(x, y, 3), 10, 2, verbose=0, callbacks=[cb],
                             **kwargs)
    assert seen == [0, 1, 2]
    if kwargs.get("use_multiprocessing"):
        # the worker's traceback travels as text in __cause__
        assert "_failing_generator" in str(info.value.__cause__)
    else:
        names = [frame.name for frame in traceback.extract_tb(info.value.__traceback__)]
        assert "_failing_generator" in names


@pytest.mark.parametrize("kwargs", [dict(workers=0), dict(workers=2),
                                    dict(workers=2, use_multiprocessing=True)],
                         ids=["main", "threads", "processes"])
def test_sequence_exception_propagates(kwargs):
    x, y = _data(40)
    with pytest.raises(KeyError, match="broken batch 3") as info:
        _mlp().evaluate_generator(FailingSequence(x, y), **kwargs)
    text = "".join(traceback.format_exception(info.type, info.value, info.tb))
    assert "FailingSequence" in text or "__getitem__" in text


def test_exception_in_validation_and_in_a_callback_cleans_up():
    x, y = _data(40)
    with pytest.raises(KeyError, match="broken batch 1"):
        _mlp().fit_generator(_batches(x, y), 5, 2, verbose=0, workers=2,
                             validation_data=_failing_generator(x, y, 1), validation_steps=2)

    def explode(batch, logs):
        raise RuntimeError("callback failed")
    with pytest.raises(RuntimeError, match="callback failed"):
        _mlp().fit_generator(ArraySequence(x, y), epochs=2, verbose=0, workers=2,
                             use_multiprocessing=True,
                             callbacks=[cbks.LambdaCallback(on_batch_end=explode)])


def test_workers_are_used():
    x, y = _data(40)
    main = threading.get_ident()
    pid = os.getpid()
    threads, pids = set(), set()

    class Where(ArraySequence):
        def __getitem__(self, idx):
            threads.add(threading.get_ident())
            pids.add(os.getpid())
            return super(Where, self).__getitem__(idx)
    model = _mlp()
    model.evaluate_generator(Where(x, y), workers=0)
    assert threads == {main} and pids == {pid}
    threads.clear()
    model.evaluate_generator(Where(x, y), workers=2)
    assert main not in threads and pids == {pid}


def test_enqueuers_directly():
    x, y = _data(40)
    enqueuer = OrderedEnqueuer(ArraySequence(x, y), use_multiprocessing=False, shuffle=False)
    enqueuer.start(workers=2, max_queue_size=3)
    assert enqueuer.is_running()
    stream = enqueuer.get()
    first = [next(stream) for _ in range(6)]
    enqueuer.stop()
    assert not enqueuer.is_running()
    assert np.array_equal(first[5][0], x[:8]) and np.array_equal(first[4][0], x[32:])
    gen_enqueuer = GeneratorEnqueuer(_batches(x, y), use_multiprocessing=False)
    with pytest.raises(ValueError, match="workers"):
        gen_enqueuer.start(workers=0)
    gen_enqueuer.start(workers=2, max_queue_size=2)
    stream = gen_enqueuer.get()
    got = [next(stream)[0] for _ in range(7)]
    gen_enqueuer.stop()
    assert all(np.array_equal(g, x[(i % 5) * 8:(i % 5) * 8 + 8]) for i, g in enumerate(got))
    with pytest.warns(DeprecationWarning, match="wait_time"):
        GeneratorEnqueuer(_batches(x, y), wait_time=0.01)
