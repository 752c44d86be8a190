"""Unit tests of torkeras._registry: one Registry per kind, names -> objects, with origins."""
import threading
import time

import pytest

from torkeras import _registry
from torkeras.errors import RegistrationError, UnknownObjectError
from torkeras._registry import Registry


@pytest.fixture(autouse=True)
def no_plugin_loading(monkeypatch):
    """These tests use their own Registry objects; keep the real plugin loader out of them."""
    monkeypatch.setattr(_registry, "_loader", None)
    monkeypatch.setattr(_registry, "_loaded", False)


class Swish(object):
    pass


class Dense(object):
    pass


def relu(x):
    return x


def test_register_defaults_to_the_objects_name_and_returns_it():
    reg = Registry("layer")
    assert reg.register(Swish) is Swish
    assert reg.get("Swish") is Swish
    assert "Swish" in reg
    assert reg.origin("Swish") == "torkeras"


def test_explicit_name_and_aliases_resolve_to_the_same_object():
    reg = Registry("loss")
    reg.register(relu, name="mean_squared_error", aliases=("mse", "MSE"), origin="pkg")
    assert reg.get("mse") is reg.get("MSE") is reg.get("mean_squared_error") is relu
    assert reg.names(include_aliases=False) == ["mean_squared_error"]
    assert reg.names() == ["MSE", "mean_squared_error", "mse"]
    assert reg.by_origin("pkg") == ["mean_squared_error"]
    assert [e.canonical for e in reg.entries()] == ["mean_squared_error"] * 3


def test_a_single_alias_string_is_one_alias():
    reg = Registry("loss")
    reg.register(relu, name="mean_squared_error", aliases="mse")
    assert reg.names() == ["mean_squared_error", "mse"]


def test_registering_the_same_object_again_is_a_no_op():
    reg = Registry("layer")
    reg.register(Swish, origin="pkg")
    reg.register(Swish, origin="pkg")
    assert reg.names() == ["Swish"]


def test_taken_name_raises_naming_both_origins():
    reg = Registry("layer")
    reg.register(Dense, origin="torkeras")
    other = type("Dense", (), {})
    with pytest.raises(RegistrationError) as info:
        reg.register(other, origin="torkeras-plugin-dense")
    msg = str(info.value)
    assert "'Dense'" in msg and "torkeras-plugin-dense" in msg and "by torkeras" in msg
    assert "TORKERAS_LOAD_PLUGINS" in msg
    assert reg.get("Dense") is Dense
    assert isinstance(info.value, ValueError)


def test_same_object_from_another_origin_is_still_a_conflict():
    reg = Registry("layer")
    reg.register(Dense, origin="a")
    with pytest.raises(RegistrationError, match="from b.*registered by a"):
        reg.register(Dense, origin="b")


def test_taken_alias_raises_and_registers_nothing():
    reg = Registry("loss")
    reg.register(relu, name="mse", origin="torkeras")

    def other(y_true, y_pred):
        return y_pred

    with pytest.raises(RegistrationError, match="'mse'.*from pkg.*torkeras"):
        reg.register(other, name="my_loss", aliases=("mse",), origin="pkg")
    assert "my_loss" not in reg
    assert reg.get("mse") is relu


@pytest.mark.parametrize("bad", [None, "", 3])
def test_bad_names_are_refused(bad):
    reg = Registry("layer")
    with pytest.raises(RegistrationError):
        reg.register(object(), name=bad)
    with pytest.raises(RegistrationError, match="alias"):
        reg.register(Swish, aliases=(bad,))


def test_unknown_name_suggests_close_matches_and_how_to_fix():
    reg = Registry("layer")
    reg.register(Swish)
    reg.register(Dense)
    with pytest.raises(UnknownObjectError) as info:
        reg.get("Swsh", context="model_config of 'model.h5'")
    msg = str(info.value)
    assert "Unknown layer: 'Swsh' in model_config of 'model.h5'." in msg
    assert "Did you mean 'Swish'?" in msg
    assert "custom_objects" in msg and "python -m torkeras plugins" in msg
    assert isinstance(info.value, ValueError)
    with pytest.raises(UnknownObjectError, match="Unknown layer: 'Nothing'"):
        reg.origin("Nothing")


def test_unknown_name_uses_the_registrys_fix_hint():
    reg = Registry("optimizer", fix_hint="Pass an optimizer instance instead of %s.")
    with pytest.raises(UnknownObjectError, match="Pass an optimizer instance instead of adamm."):
        reg.get("adamm")


def test_lookup_never_raises():
    reg = Registry("layer")
    marker = object()
    assert reg.lookup("Nothing") is None
    assert reg.lookup("Nothing", marker) is marker


def test_wildcard_listing():
    reg = Registry("layer")
    for name in ["Conv1D", "Conv2D", "Conv2DTranspose", "Dense", "ConvLSTM2D"]:
        reg.register(type(name, (), {}))
    assert reg.names("Conv*") == ["Conv1D", "Conv2D", "Conv2DTranspose", "ConvLSTM2D"]
    assert reg.names("Conv?D") == ["Conv1D", "Conv2D"]
    assert reg.names("*Transpose") == ["Conv2DTranspose"]
    assert reg.names("conv*") == []  # case matters: names are Keras's spelling
    assert reg.names() == sorted(reg.names())
    assert len(reg.names("*")) == 5


def test_unregister_removes_the_name_and_its_aliases_only():
    reg = Registry("loss")
    reg.register(relu, name="mean_squared_error", aliases=("mse",), origin="pkg")
    reg.register(Swish, origin="pkg")
    reg.unregister("mean_squared_error")
    assert reg.names() == ["Swish"]
    reg.unregister("not-there")  # no error
    reg.clear()
    assert reg.names() == []


def test_ensure_loaded_runs_the_loader_once_on_first_lookup():
    reg = Registry("layer")
    calls = []

    def loader():
        calls.append(1)
        reg.register(Swish, origin="loader")

    _registry.set_loader(loader)
    assert calls == []              # installing a loader runs nothing
    assert reg.get("Swish") is Swish
    assert reg.names() == ["Swish"] and "Swish" in reg
    assert calls == [1]


def test_a_loader_may_look_names_up_without_recursing():
    reg = Registry("layer")
    calls = []

    def loader():
        calls.append(1)
        reg.register(Dense, origin="loader")
        assert reg.lookup("Dense") is Dense  # a lookup during loading must not call the loader
        reg.register(Swish, origin="loader")

    _registry.set_loader(loader)
    assert reg.get("Swish") is Swish
    assert calls == [1]


def test_a_failed_load_is_retried_by_the_next_lookup():
    reg = Registry("layer")
    calls = []

    def loader():
        calls.append(1)
        if len(calls) == 1:
            raise RegistrationError("conflict")
        reg.register(Swish)

    _registry.set_loader(loader)
    with pytest.raises(RegistrationError):
        reg.get("Swish")
    assert reg.get("Swish") is Swish
    assert calls == [1, 1]


def test_reset_loaded_makes_the_next_lookup_load_again():
    reg = Registry("layer")
    calls = []
    _registry.set_loader(lambda: calls.append(1))
    reg.lookup("x")
    _registry.reset_loaded()
    reg.lookup("x")
    assert calls == [1, 1]


def test_concurrent_first_lookups_load_once_and_all_see_the_result():
    reg = Registry("layer")
    calls = []
    started = threading.Event()

    def slow_loader():
        calls.append(1)
        started.set()
        time.sleep(0.2)
        reg.register(Swish)

    _registry.set_loader(slow_loader)
    results, errors = [], []

    def lookup():
        try:
            results.append(reg.get("Swish"))
        except Exception as e:  # collected and asserted on below
            errors.append(e)

    first = threading.Thread(target=lookup)
    first.start()
    started.wait(5)
    # These start while the loader is still running: they must wait for it, not see a half-filled
    # registry (a spurious "Unknown layer").
    others = [threading.Thread(target=lookup) for _ in range(8)]
    for t in others:
        t.start()
    for t in [first] + others:
        t.join(10)
    assert errors == []
    assert results == [Swish] * 9
    assert calls == [1]


def test_concurrent_registration_is_consistent():
    reg = Registry("layer")
    classes = [type("L%d" % i, (), {}) for i in range(200)]

    def register(chunk):
        for cls in chunk:
            reg.register(cls, aliases=(cls.__name__.lower(),))

    threads = [threading.Thread(target=register, args=(classes[i::4],)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(reg.names(include_aliases=False)) == 200
    assert len(reg.names()) == 400
    assert all(reg.get(c.__name__.lower()) is c for c in classes)


def test_every_kind_has_a_registry():
    assert sorted(_registry.ALL) == sorted([
        "layers", "losses", "optimizers", "initializers", "activations", "metrics", "callbacks",
        "regularizers", "constraints"])
    assert all(isinstance(r, Registry) for r in _registry.ALL.values())
