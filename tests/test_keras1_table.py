"""The Keras-1 translation table: one test per row, plus the table's rules."""
import multiprocessing
import os
import threading
import types
import warnings

import numpy as np
import pytest

import torkeras as keras
from torkeras.errors import LegacyArgumentError
from torkeras.layers import Dense, Dropout, InputLayer
from torkeras.legacy import keras1
from torkeras.models import Sequential


@pytest.fixture(autouse=True)
def fresh_warnings(monkeypatch):
    monkeypatch.delenv("TORKERAS_STRICT", raising=False)
    keras1._reset_warnings_for_tests()
    yield
    keras1._reset_warnings_for_tests()


def _value_for(name, old):
    reg = keras.regularizers.l2(0.01)
    cons = keras.constraints.max_norm(2.0)
    return {
        ("Dense", "output_dim"): 7, ("Dense", "init"): "zero", ("Dense", "W_regularizer"): reg,
        ("Dense", "b_regularizer"): reg, ("Dense", "W_constraint"): cons,
        ("Dense", "b_constraint"): cons, ("Dense", "bias"): False, ("Dropout", "p"): 0.25,
        ("InputLayer", "input_dtype"): "float32", ("Layer", "input_dtype"): "float32",
        ("fit", "nb_epoch"): 2, ("fit", "show_accuracy"): True,
        ("Model", "input"): None, ("Model", "output"): None,
        ("fit_generator", "samples_per_epoch"): 12, ("fit_generator", "nb_epoch"): 2,
        ("fit_generator", "nb_val_samples"): 3, ("fit_generator", "nb_worker"): 0,
        ("fit_generator", "pickle_safe"): True, ("fit_generator", "max_q_size"): 3,
        ("evaluate_generator", "val_samples"): 3, ("evaluate_generator", "nb_worker"): 0,
        ("evaluate_generator", "pickle_safe"): True, ("evaluate_generator", "max_q_size"): 3,
        ("predict_generator", "val_samples"): 3, ("predict_generator", "nb_worker"): 0,
        ("predict_generator", "pickle_safe"): True, ("predict_generator", "max_q_size"): 3,
        # positional arguments in the Keras 1.2.2 order (shape, initializer, name, trainable)
        ("add_weight", "shape first"): ((4, 3), "ones", "W", False),
    }[(name, old)]


class _Batches(object):
    """Batches of 4 forever, with a ``batch_size`` attribute (samples_per_epoch divides by it).

    Records where it ran: draws (in this process), thread ids, the last pid (shared with a forked
    worker), and the max_queue_size of any enqueuer started meanwhile (see _generator_call)."""

    batch_size = 4

    def __init__(self, record):
        self.record = record

    def __iter__(self):
        return self

    def __next__(self):
        self.record.draws += 1
        self.record.threads.add(threading.get_ident())
        self.record.pid.value = os.getpid()
        return np.ones((4, 3), dtype="float32"), np.zeros((4, 2), dtype="float32")


def _generator_call(name, old, value):
    """Call fit/evaluate/predict_generator with one Keras-1 kwarg; return what was observed."""
    from torkeras.utils import data_utils
    rec = types.SimpleNamespace(draws=0, threads=set(), pid=multiprocessing.Value("i", 0),
                                queue_sizes=[], result=None, val=None)
    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile("sgd", "mse")
    kwargs = {old: value}
    if old in ("samples_per_epoch", "val_samples", "nb_val_samples"):
        kwargs["workers"] = 0  # no read-ahead: draws count the steps exactly
    if name == "fit_generator":
        if old != "samples_per_epoch":
            kwargs["steps_per_epoch"] = 2
        if old == "nb_val_samples":
            rec.val = types.SimpleNamespace(draws=0, threads=set(), pid=rec.pid)
            kwargs["validation_data"] = _Batches(rec.val)
    elif old != "val_samples":
        kwargs["steps"] = 2
    start = data_utils.SequenceEnqueuer.start

    def spy(self, workers=1, max_queue_size=10):
        rec.queue_sizes.append(max_queue_size)
        return start(self, workers, max_queue_size)
    data_utils.SequenceEnqueuer.start = spy
    try:
        method = getattr(model, name)
        rec.result = method(_Batches(rec), verbose=0, **kwargs)
    finally:
        data_utils.SequenceEnqueuer.start = start
    return rec


def _build_with(name, old, value):
    """Construct/call the object with the Keras-1 kwarg; return the resulting object."""
    if name == "Dense":
        kwargs = {old: value}
        if old != "output_dim":
            kwargs["output_dim"] = 3
        return Dense(input_dim=4, **kwargs)
    if name == "Dropout":
        return Dropout(**{old: value})
    if name == "InputLayer":
        return InputLayer(input_shape=(3,), **{old: value})
    if name == "Layer":
        return keras.layers.Activation("relu", **{old: value})
    if name == "fit":
        model = Sequential([Dense(2, input_shape=(3,))])
        model.compile("sgd", "mse")
        return model.fit(np.zeros((4, 3)), np.zeros((4, 2)), verbose=0, **{old: value})
    if name in ("fit_generator", "evaluate_generator", "predict_generator"):
        return _generator_call(name, old, value)
    if name == "add_weight":
        class Keras1Weight(keras.layers.Layer):
            def build(self, input_shape):
                self.W = self.add_weight(*value)
                self.built = True
        layer = Keras1Weight()
        layer._build_for((None, 4))
        return layer
    raise AssertionError(name)


def _check(name, old, new, obj, value):
    if name == "Dense":
        attr = {"units": "units", "kernel_initializer": "kernel_initializer",
                "kernel_regularizer": "kernel_regularizer", "bias_regularizer": "bias_regularizer",
                "kernel_constraint": "kernel_constraint", "bias_constraint": "bias_constraint",
                "use_bias": "use_bias"}[new]
        got = getattr(obj, attr)
        if new == "kernel_initializer":
            assert type(got).__name__ == "Zeros"
        else:
            assert got == value or got is value
        assert new in obj.get_config() and old not in obj.get_config()
    elif name == "Dropout":
        assert obj.rate == value
    elif name in ("InputLayer", "Layer"):
        assert obj.dtype == value
    elif name == "fit" and new == "epochs":
        assert obj.epoch == list(range(value))
    elif name == "fit" and new is None:
        assert obj.epoch == [0]
    elif new == "steps_per_epoch":  # samples // generator.batch_size (keras/legacy/interfaces.py)
        assert obj.result.params["steps"] == value // _Batches.batch_size == obj.draws
    elif new == "epochs":
        assert obj.result.epoch == list(range(value))
    elif new == "validation_steps":
        assert obj.val.draws == value
    elif new == "steps" and name == "evaluate_generator":
        assert obj.draws == value
    elif new == "steps":
        assert obj.draws == value and obj.result.shape == (4 * value, 2)
    elif new == "workers":
        assert value == 0 and obj.threads == {threading.get_ident()} and obj.queue_sizes == []
    elif new == "use_multiprocessing":
        assert value is True and obj.pid.value not in (0, os.getpid()) and obj.draws == 0
    elif name == "add_weight":
        shape, _, weight_name, trainable = value
        assert obj.weight_names() == ["%s/%s:0" % (obj.name, weight_name)]
        assert obj.trainable_weights == [] and len(obj.non_trainable_weights) == 1
        np.testing.assert_array_equal(obj.get_weights()[0], np.ones(shape, dtype="float32"))
    elif new == "max_queue_size":
        assert obj.queue_sizes == [value]


# Rows whose behaviour is tested next to the object they translate for (file in tests/).
TESTED_ELSEWHERE = {
    "ImageDataGenerator": "test_preprocessing_image.py",
    "NumpyArrayIterator": "test_preprocessing_image.py",
    "DirectoryIterator": "test_preprocessing_image.py",
    "array_to_img": "test_preprocessing_image.py",
    "img_to_array": "test_preprocessing_image.py",
    "Tokenizer": "test_preprocessing_text.py",
    "load_data": "test_datasets.py",
}

# Rows of the core layers and methods; the layer families' rows are tested in test_keras1_layers.py.
CORE = {"Dense", "Dropout", "InputLayer", "Layer", "fit", "fit_generator", "evaluate_generator",
        "predict_generator", "add_weight"}
# Rows that change the call's structure (a preprocessor) rather than rename keywords.
STRUCTURAL = [("add_weight", "shape first", None)]
ROWS = [r for r in keras1.table_rows() if r[0] in CORE] + STRUCTURAL


@pytest.mark.parametrize("name,old,new", ROWS, ids=["%s-%s" % (r[0], r[1]) for r in ROWS])
def test_row_translates_and_warns_once(name, old, new):
    value = _value_for(name, old)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        obj = _build_with(name, old, value)
        _build_with(name, old, value)
    legacy = [w for w in caught if "Keras 2 API" in str(w.message) and old in str(w.message)]
    assert len(legacy) == 1, [str(w.message) for w in caught]
    if new is not None:
        assert new in str(legacy[0].message)
    _check(name, old, new, obj, value)


@pytest.mark.parametrize("name,old,new", [r for r in ROWS if r[2] is not None],
                         ids=["%s-%s" % (r[0], r[1]) for r in ROWS if r[2] is not None])
def test_row_old_and_new_together_is_type_error(name, old, new):
    value = _value_for(name, old)
    if name == "fit":
        model = Sequential([Dense(2, input_shape=(3,))])
        model.compile("sgd", "mse")
        with pytest.raises(TypeError):
            model.fit(np.zeros((4, 3)), np.zeros((4, 2)), verbose=0, **{old: value, new: value})
        return
    with pytest.raises(TypeError, match="both the legacy keyword argument"):
        keras1.convert(name, (), {old: value, new: value})


@pytest.mark.parametrize("name,old,new", ROWS, ids=["%s-%s" % (r[0], r[1]) for r in ROWS])
def test_row_strict_mode_raises(name, old, new, monkeypatch):
    monkeypatch.setenv("TORKERAS_STRICT", "1")
    with pytest.raises(LegacyArgumentError, match="TORKERAS_STRICT"):
        _build_with(name, old, _value_for(name, old))


def test_model_rows_are_in_the_table():
    assert ("Model", "input", "inputs") in keras1.table_rows()
    assert ("Model", "output", "outputs") in keras1.table_rows()
    with pytest.warns(UserWarning, match="Keras 2 API"):
        args, kwargs = keras1.convert("Model", (), {"input": 1, "output": 2})
    assert kwargs == {"inputs": 1, "outputs": 2}


def test_every_row_is_tested_somewhere():
    import os
    here = os.path.dirname(os.path.abspath(__file__))
    families = os.path.join(here, "test_keras1_layers.py")
    tested = set(CORE) | {"Model"} | set(TESTED_ELSEWHERE)
    for name, filename in TESTED_ELSEWHERE.items():
        with open(os.path.join(here, filename)) as f:
            text = f.read()
        olds = [old for n, old, _ in keras1.table_rows() if n == name]
        assert name in text and all(old in text for old in olds), (name, filename)
    if os.path.exists(families):
        import importlib.util
        spec = importlib.util.spec_from_file_location("_k1_layers", families)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        tested |= set(mod.COVERED)
    missing = sorted({name for name, _, _ in keras1.table_rows()} - tested)
    assert not missing, "Keras-1 table entries without a test: %s" % missing


def test_positional_limit():
    with pytest.raises(TypeError, match="positional"):
        Dense(3, "relu")


def test_keras1_modules_resolve():
    from torkeras import initializations, objectives
    from torkeras.utils import np_utils
    assert objectives.categorical_crossentropy is keras.losses.categorical_crossentropy
    assert initializations.get("glorot_uniform") is not None
    y = np_utils.to_categorical([0, 2, 1], 3)
    np.testing.assert_array_equal(y, np.eye(3)[[0, 2, 1]])


def test_keras1_config_from_file_translates():
    cfg = {"class_name": "Dense", "config": {"name": "dense_9", "output_dim": 5, "init": "glorot_uniform",
                                            "input_dim": 3, "bias": True, "trainable": True}}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        layer = keras.layers.deserialize(cfg)
    assert layer.units == 5 and layer.use_bias


def test_add_weight_keras2_calls_pass_through_untouched():
    args, kwargs = ("kernel", (4, 3)), {"initializer": "zeros"}
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got_args, got_kwargs = keras1.convert("add_weight", args, kwargs)
    assert got_args == args and got_kwargs == kwargs


def test_add_weight_keras1_order_conflicts_and_limits():
    with pytest.raises(TypeError, match="multiple values for argument `initializer`"):
        keras1.convert("add_weight", ((4, 3), "zeros"), {"initializer": "ones"})
    with pytest.raises(TypeError, match="only 6 positional"):
        keras1.convert("add_weight", ((4, 3), "zeros", "W", True, None, None, 1), {})
    with pytest.warns(UserWarning, match=r"add_weight\(name=\"W\", shape=\[4, 3\]"):
        _, kwargs = keras1.convert("add_weight", ([4, 3], "zeros", "W"), {"constraint": None})
    assert kwargs == {"name": "W", "shape": [4, 3], "initializer": "zeros", "constraint": None}
