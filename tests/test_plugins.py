"""The plugin system: in-process plugins through pluggy, then real installed packages.

Part 1 registers plugins in this process with ``torkeras.plugins.register_plugin``. Part 2
pip-installs ``examples/plugin_example`` (and hand-made broken packages) into temporary directories
and runs torkeras in subprocesses, as a user's machine would.
"""
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import textwrap
import warnings

import pytest

import torkeras
from torkeras import _registry, plugins
from torkeras.errors import PluginError, RegistrationError, UnknownObjectError
from torkeras.plugins import PluginWarning, hookimpl

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EXAMPLE = os.path.join(REPO, "examples", "plugin_example")


# ----------------------------------------------------------------------- part 1: in-process plugins
@pytest.fixture
def runtime():
    """``register_plugin``, with every runtime plugin removed again after the test."""
    _registry.ensure_loaded()
    yield plugins.register_plugin
    for p in plugins.list_plugins():
        if p["origin"] == "runtime":
            plugins.unregister_plugin(p["name"])


def _plugin(name):
    return next(p for p in plugins.list_plugins() if p["name"] == name)


def test_builtins_are_the_plugin_named_torkeras():
    first = plugins.list_plugins()[0]
    assert first["name"] == "torkeras" and first["origin"] == "builtin"
    assert first["version"] == torkeras.__version__
    assert first["status"] == "loaded" and first["error"] is None
    assert "Dense" in first["registered"]["layers"]
    assert _registry.LAYERS.origin("Dense") == "torkeras"
    assert _registry.ACTIVATIONS.origin("relu") == "torkeras"


def test_a_runtime_plugin_registers_with_its_name_as_origin(runtime):
    def plugin_double(x):
        return x * 2

    class DoublePlugin(object):
        __version__ = "1.2"

        @staticmethod
        @hookimpl
        def register_activations(register):
            register(plugin_double, aliases=("plugin_twice",))

    assert runtime(DoublePlugin) == "DoublePlugin"
    assert _registry.ACTIVATIONS.get("plugin_twice") is plugin_double
    assert _registry.ACTIVATIONS.origin("plugin_double") == "DoublePlugin"
    assert torkeras.activations.get("plugin_double") is plugin_double
    info = _plugin("DoublePlugin")
    assert info["origin"] == "runtime" and info["version"] == "1.2"
    assert info["registered"] == {"activations": ["plugin_double"]}

    plugins.unregister_plugin("DoublePlugin")
    assert "plugin_double" not in _registry.ACTIVATIONS
    assert "plugin_twice" not in _registry.ACTIVATIONS
    with pytest.raises(UnknownObjectError):
        torkeras.activations.get("plugin_double")
    assert "DoublePlugin" not in [p["name"] for p in plugins.list_plugins()]


def test_a_misspelled_hook_is_reported_and_the_plugin_skipped(runtime):
    def plugin_never(x):
        return x

    class Misspelled(object):
        @staticmethod
        @hookimpl
        def register_activations(register):
            register(plugin_never)

        @staticmethod
        @hookimpl
        def register_layer(register):  # not a torkeras hook: register_layers
            raise AssertionError("must never be called")

    with pytest.warns(PluginWarning) as record:
        assert runtime(Misspelled, name="misspelled-plugin") is None
    msg = str(record[0].message)
    assert "'misspelled-plugin'" in msg and "'register_layer'" in msg
    assert "did you mean 'register_layers'?" in msg
    assert "plugin_never" not in _registry.ACTIVATIONS  # none of its hooks ran
    info = _plugin("misspelled-plugin")
    assert info["status"] == "failed" and info["registered"] == {}
    assert "register_layer" in info["error"]
    assert _registry.LAYERS.get("Dense") is torkeras.layers.Dense  # the library still works


def test_a_misspelled_hook_argument_is_reported_and_the_plugin_skipped(runtime):
    class BadArgument(object):
        @staticmethod
        @hookimpl
        def register_layers(reg):  # the argument is `register`
            raise AssertionError("must never be called")

    with pytest.warns(PluginWarning) as record:
        assert runtime(BadArgument, name="bad-argument") is None
    msg = str(record[0].message)
    assert "'bad-argument'" in msg and "register_layers(reg)" in msg and "{'reg'}" in msg
    assert _plugin("bad-argument")["status"] == "failed"


def test_an_optional_hook_for_a_later_torkeras_is_allowed(runtime):
    class Future(object):
        @staticmethod
        @hookimpl(optionalhook=True)
        def register_datasets(register):
            raise AssertionError("no such hook yet: never called")

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert runtime(Future) == "Future"


def test_a_hook_that_raises_is_rolled_back_and_skipped(runtime):
    class PluginLayer(object):
        pass

    class Raising(object):
        @staticmethod
        @hookimpl
        def register_layers(register):
            register(PluginLayer)
            raise AttributeError("bug in the plugin")

    with pytest.warns(PluginWarning, match="'Raising'.*AttributeError in register_layers.*bug in"):
        assert runtime(Raising) is None
    assert "PluginLayer" not in _registry.LAYERS
    assert _plugin("Raising")["registered"] == {}


def test_a_taken_name_raises_naming_both_plugins_and_keeps_nothing(runtime):
    class NotDense(object):
        pass

    class ClaimsDense(object):
        @staticmethod
        @hookimpl
        def register_layers(register):
            register(type("PluginFirst", (), {}))
            register(NotDense, name="Dense")

    with pytest.raises(RegistrationError) as info:
        runtime(ClaimsDense, name="torkeras-plugin-dense")
    msg = str(info.value)
    assert "'Dense'" in msg and "torkeras-plugin-dense" in msg and "by torkeras" in msg
    assert _registry.LAYERS.get("Dense") is torkeras.layers.Dense
    assert "PluginFirst" not in _registry.LAYERS
    assert _plugin("torkeras-plugin-dense")["status"] == "failed"


def test_two_runtime_plugins_claiming_one_name(runtime):
    def make(fn_name):
        def fn(y_true, y_pred):
            return y_pred
        fn.__name__ = fn_name

        class P(object):
            @staticmethod
            @hookimpl
            def register_losses(register):
                register(fn, name="plugin_loss")
        return P

    runtime(make("a"), name="plugin-a")
    with pytest.raises(RegistrationError, match="from plugin-b.*registered by plugin-a"):
        runtime(make("b"), name="plugin-b")
    assert _registry.LOSSES.origin("plugin_loss") == "plugin-a"


def test_plugin_names_are_unique(runtime):
    class P(object):
        pass

    runtime(P, name="same")
    with pytest.raises(PluginError, match="'same' is already loaded"):
        runtime(P, name="same")
    with pytest.raises(PluginError, match="cannot be unregistered"):
        plugins.unregister_plugin("torkeras")
    with pytest.raises(PluginError, match="No torkeras plugin named 'nope'"):
        plugins.unregister_plugin("nope")


def test_upgrade_layer_config_first_result_wins(runtime):
    class Upgrader(object):
        @staticmethod
        @hookimpl
        def upgrade_layer_config(class_name, config, keras_version):
            if class_name != "OldSwish":
                return None
            config = dict(config)
            config["beta"] = config.pop("b")
            return "Swish", config

    call = plugins.hook().upgrade_layer_config
    assert call(class_name="OldSwish", config={"b": 2.0}, keras_version="2.2.4") is None
    runtime(Upgrader)
    stored = {"b": 2.0, "name": "s"}
    assert call(class_name="OldSwish", config=stored, keras_version="2.2.4") == (
        "Swish", {"beta": 2.0, "name": "s"})
    assert stored == {"b": 2.0, "name": "s"}
    assert call(class_name="Dense", config={}, keras_version=None) is None


def test_runtime_plugins_survive_a_reload(runtime):
    def plugin_keep(x):
        return x

    class Keep(object):
        @staticmethod
        @hookimpl
        def register_activations(register):
            register(plugin_keep)

    runtime(Keep)
    plugins.load()
    assert _registry.ACTIVATIONS.get("plugin_keep") is plugin_keep
    assert _registry.LAYERS.get("Dense") is torkeras.layers.Dense


def test_text_and_json_reports(runtime):
    class Reported(object):
        @staticmethod
        @hookimpl
        def register_layers(register):
            register(type("ReportedLayer", (), {}))

    runtime(Reported)
    text = plugins.plugins_report()
    assert "torkeras %s (builtin): loaded" % torkeras.__version__ in text
    assert "Reported (no version) (runtime): loaded" in text
    assert "    layers: ReportedLayer" in text
    data = json.loads(plugins.plugins_report(as_json=True))
    entry = next(p for p in data if p["name"] == "Reported")
    assert entry["registered"] == {"layers": ["ReportedLayer"]}
    assert set(entry) >= {"name", "version", "origin", "registered", "error"}


# ------------------------------------------------------------------- part 2: installed packages
def _write_dist(root, dist, module, source, entry_point_name):
    """Install a one-module distribution by hand: the module and its .dist-info."""
    os.makedirs(root, exist_ok=True)
    with open(os.path.join(root, module + ".py"), "w") as f:
        f.write(textwrap.dedent(source))
    info = os.path.join(root, "%s-1.0.dist-info" % dist.replace("-", "_"))
    os.makedirs(info)
    with open(os.path.join(info, "METADATA"), "w") as f:
        f.write("Metadata-Version: 2.1\nName: %s\nVersion: 1.0\n" % dist)
    with open(os.path.join(info, "entry_points.txt"), "w") as f:
        f.write("[torkeras]\n%s = %s\n" % (entry_point_name, module))


@pytest.fixture(scope="session")
def sites(tmp_path_factory):
    """``{'example': dir, 'broken': dir, 'clash': dir}``, each a directory to put on PYTHONPATH."""
    if importlib.util.find_spec("setuptools") is None:
        pytest.skip("building examples/plugin_example needs setuptools (offline, without build "
                    "isolation)")
    base = tmp_path_factory.mktemp("plugin_sites")
    source = base / "src"
    shutil.copytree(EXAMPLE, source, ignore=shutil.ignore_patterns("build", "*.egg-info"))
    example = base / "example"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-build-isolation", "--no-index",
         "--disable-pip-version-check", "--target", str(example), str(source)],
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr

    broken = str(base / "broken")
    _write_dist(broken, "torkeras-broken-plugin", "torkeras_broken_plugin",
                'raise ImportError("this plugin is broken on purpose")\n', "broken")
    _write_dist(broken, "torkeras-misspelled-plugin", "torkeras_misspelled_plugin", """\
        from torkeras.plugins import hookimpl

        @hookimpl
        def register_layer(register):
            raise AssertionError("never called")
        """, "misspelled")
    clash = str(base / "clash")
    _write_dist(clash, "torkeras-clash-plugin", "torkeras_clash_plugin", """\
        from torkeras.plugins import hookimpl

        @hookimpl
        def register_layers(register):
            register(type("Dense", (), {}))
        """, "clash")
    return {"example": str(example), "broken": broken, "clash": clash}


def _run(code, paths, env=None, args=()):
    full_env = dict(os.environ)
    full_env.pop("TORKERAS_LOAD_PLUGINS", None)
    full_env["PYTHONPATH"] = os.pathsep.join(list(paths) + [REPO])
    full_env.update(env or {})
    cmd = [sys.executable] + (["-c", textwrap.dedent(code)] if code else []) + list(args)
    return subprocess.run(cmd, capture_output=True, text=True, env=full_env, timeout=300, cwd=REPO)


def _ok(proc):
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc


def test_installed_plugin_loads_on_first_lookup_and_resolves_through_the_registries(sites):
    _ok(_run("""
        import sys
        import torkeras as keras
        from torkeras import _registry
        assert "torkeras.plugins" not in sys.modules, "import torkeras loaded the plugin manager"
        assert "torkeras_plugin_example" not in sys.modules, "import torkeras imported a plugin"

        layer = keras.layers.deserialize({"class_name": "Swish",
                                          "config": {"beta": 2.0, "name": "swish_a"}})
        assert "torkeras_plugin_example" in sys.modules
        assert type(layer).__module__ == "torkeras_plugin_example.layers", type(layer)
        assert layer.initial_beta == 2.0 and layer.name == "swish_a"
        assert _registry.LAYERS.get("Swish") is type(layer)
        assert _registry.LAYERS.origin("Swish") == "torkeras-plugin-example"
        assert keras.activations.get("swish").__module__ == "torkeras_plugin_example.functions"
        assert keras.losses.get("smooth_l1").__module__ == "torkeras_plugin_example.functions"

        from torkeras import plugins
        upgraded = plugins.hook().upgrade_layer_config(
            class_name="SwishBeta", config={"b": 3.0, "name": "s"}, keras_version="2.2.4")
        assert upgraded == ("Swish", {"beta": 3.0, "name": "s"}), upgraded
        """, [sites["example"]]))


def test_load_plugins_allow_list(sites):
    # The first load reads TORKERAS_LOAD_PLUGINS from the environment; plugins.load() reloads
    # after each change (one process for all cases: importing torch is slow).
    proc = _ok(_run("""
        import json, os, warnings
        warnings.simplefilter("always")
        import torkeras as keras
        from torkeras import _registry
        from torkeras.errors import UnknownObjectError
        try:
            keras.layers.deserialize({"class_name": "Swish", "config": {}})
        except UnknownObjectError:
            hidden_at_start = True
        else:
            hidden_at_start = False
        from torkeras import plugins
        seen = []
        for allow in ["example", "torkeras-plugin-example", "Torkeras_Plugin.Example , other",
                      "other", "", " "]:
            os.environ["TORKERAS_LOAD_PLUGINS"] = allow
            plugins.load()
            seen.append([allow, "Swish" in _registry.LAYERS, "Dense" in _registry.LAYERS])
        del os.environ["TORKERAS_LOAD_PLUGINS"]
        plugins.load()
        seen.append([None, "Swish" in _registry.LAYERS, "Dense" in _registry.LAYERS])
        print(json.dumps({"hidden_at_start": hidden_at_start, "seen": seen}))
        """, [sites["example"], sites["broken"]], env={"TORKERAS_LOAD_PLUGINS": ""}))
    result = json.loads(proc.stdout)
    assert result["hidden_at_start"] is True
    assert result["seen"] == [
        ["example", True, True], ["torkeras-plugin-example", True, True],
        ["Torkeras_Plugin.Example , other", True, True], ["other", False, True],
        ["", False, True], [" ", False, True], [None, True, True]]
    assert "'other'" in proc.stderr and "no installed torkeras plugin" in proc.stderr
    # Only the last load (no allow-list) imported the broken plugin.
    assert proc.stderr.count("broken on purpose") == 1


def test_a_broken_plugin_warns_and_the_library_works(sites):
    proc = _ok(_run("""
        import warnings
        warnings.simplefilter("always")
        import numpy as np
        import torkeras as keras
        model = keras.models.Sequential([keras.layers.Dense(2, input_shape=(3,))])
        model.compile("sgd", "mse")
        assert model.predict(np.zeros((1, 3), "float32")).shape == (1, 2)
        from torkeras import plugins
        status = {p["name"]: p["status"] for p in plugins.list_plugins()}
        assert status["torkeras-plugin-example"] == "loaded", status
        assert status["torkeras-broken-plugin"] == "failed", status
        assert status["torkeras-misspelled-plugin"] == "failed", status
        print("OK")
        """, [sites["example"], sites["broken"]]))
    assert proc.stdout.strip().endswith("OK")
    assert "PluginWarning" in proc.stderr
    assert "'torkeras-broken-plugin'" in proc.stderr
    assert "ImportError: this plugin is broken on purpose" in proc.stderr
    assert "'torkeras-misspelled-plugin'" in proc.stderr
    assert "'register_layer' (did you mean 'register_layers'?)" in proc.stderr


CHECK_SWISH = """
    import torkeras as keras
    from torkeras.errors import UnknownObjectError
    try:
        keras.layers.deserialize({"class_name": "Swish", "config": {}})
    except UnknownObjectError as e:
        print("HIDDEN", e)
    else:
        print("VISIBLE")
    """


def test_a_plugin_claiming_a_builtin_name_is_a_hard_error_naming_both(sites):
    proc = _run(CHECK_SWISH, [sites["clash"]])
    assert proc.returncode != 0
    assert "RegistrationError" in proc.stderr
    assert "'Dense' from torkeras-clash-plugin" in proc.stderr
    assert "already registered by torkeras" in proc.stderr
    assert "TORKERAS_LOAD_PLUGINS" in proc.stderr
    # ...and the allow-list settles it.
    proc = _ok(_run(CHECK_SWISH, [sites["clash"], sites["example"]],
                    env={"TORKERAS_LOAD_PLUGINS": "example"}))
    assert proc.stdout.startswith("VISIBLE")


def test_cli_lists_the_plugin_with_version_and_registrations(sites):
    proc = _ok(_run(None, [sites["example"], sites["broken"]],
                    args=["-m", "torkeras", "plugins", "--json"]))
    data = {p["name"]: p for p in json.loads(proc.stdout)}
    example = data["torkeras-plugin-example"]
    assert example["version"] == "0.1.0"
    assert example["origin"] == "entrypoint" and example["status"] == "loaded"
    assert example["error"] is None
    assert example["registered"] == {"layers": ["Swish"], "losses": ["smooth_l1"],
                                     "activations": ["swish"]}
    assert data["torkeras"]["origin"] == "builtin"
    assert "broken on purpose" in data["torkeras-broken-plugin"]["error"]

    text = _ok(_run(None, [sites["example"]], args=["-m", "torkeras", "plugins"])).stdout
    assert "torkeras-plugin-example 0.1.0" in text and "Swish" in text


def test_a_plugin_layer_round_trips_through_h5_without_custom_objects(sites, tmp_path):
    path = str(tmp_path / "swish_model.h5")
    proc = _ok(_run("""
        import sys
        import numpy as np
        import torkeras as keras
        from torkeras_plugin_example.layers import Swish

        model = keras.models.Sequential()
        model.add(keras.layers.Dense(4, input_shape=(3,), activation="swish"))
        model.add(Swish(beta=1.5))
        model.compile("sgd", "smooth_l1")
        model.layers[1].set_weights([np.array(1.7, dtype="float32")])
        x = np.random.RandomState(0).rand(5, 3).astype("float32")
        expected = model.predict(x)
        model.save(sys.argv[1])

        loaded = keras.models.load_model(sys.argv[1])
        assert type(loaded.layers[1]) is Swish, type(loaded.layers[1])
        assert loaded.layers[1].get_config()["beta"] == 1.5
        np.testing.assert_allclose(loaded.layers[1].get_weights()[0], 1.7)
        np.testing.assert_allclose(loaded.predict(x), expected, rtol=1e-6, atol=1e-6)
        print("OK")
        """, [sites["example"]], args=[path]))
    assert proc.stdout.strip().endswith("OK")
