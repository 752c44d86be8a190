"""keras.preprocessing.image: iterators, files, standardization, Keras-1 wiring and bad input.

Numerics against real Keras (keras_preprocessing 1.0.5) are in compat_tests/test_preprocessing_golden.py;
here the expected values come from the data each test builds."""
import io
import os
import threading
import warnings

import numpy as np
import pytest

from torkeras.backend import config
from torkeras.legacy import keras1
from torkeras.preprocessing import _image_io, image
from torkeras.preprocessing.image import (DirectoryIterator, ImageDataGenerator, NumpyArrayIterator,
                                          apply_affine_transform, array_to_img, img_to_array, load_img,
                                          save_img)
from torkeras.utils.data_utils import Sequence

PIL = pytest.importorskip("PIL.Image")  # torchvision depends on Pillow: present wherever torkeras runs


def _indexed_images(n, h=4, w=5, c=3):
    """Images whose every pixel holds the sample's index (so batches reveal their indices)."""
    return np.repeat(np.arange(n, dtype="float32"), h * w * c).reshape(n, h, w, c)


# ----------------------------------------------------------------------------- array ops
def test_identity_transform_returns_input_and_integer_images_round():
    x = np.arange(24, dtype="float32").reshape(4, 2, 3)
    assert apply_affine_transform(x) is x
    u8 = (np.arange(48) * 5).astype("uint8").reshape(4, 4, 3)
    out = apply_affine_transform(u8, tx=0.5, fill_mode="nearest")
    ref = apply_affine_transform(u8.astype("float64"), tx=0.5, fill_mode="nearest")
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, np.floor(ref + 0.5).astype("uint8"))


def test_integer_shift_moves_rows_and_columns():
    x = np.arange(30, dtype="float32").reshape(5, 6, 1)
    out = apply_affine_transform(x, tx=1, ty=2, fill_mode="constant", cval=-1)
    np.testing.assert_array_equal(out[:4, :4], x[1:, 2:])
    assert np.all(out[4] == -1) and np.all(out[:, 4:] == -1)
    flipped = image.flip_axis(x, 1)
    np.testing.assert_array_equal(flipped[:, 0], x[:, -1])


def test_channel_shift_clips_to_the_image_range():
    x = np.stack([np.zeros((2, 2)), np.ones((2, 2))], axis=-1)
    out = image.apply_channel_shift(x, 0.5, channel_axis=2)
    np.testing.assert_array_equal(out[..., 0], 0.5)
    np.testing.assert_array_equal(out[..., 1], 1.0)


def test_brightness_works_on_channels_first_images():
    x = np.random.RandomState(0).rand(3, 4, 5).astype("float32")
    out = image.apply_brightness_shift(x, 0.5, channel_axis=0)
    last = image.apply_brightness_shift(x.transpose(1, 2, 0), 0.5)
    np.testing.assert_array_equal(out, last.transpose(2, 0, 1))
    assert out.max() <= 127.5


@pytest.mark.parametrize("kwargs,match", [
    (dict(fill_mode="mirror"), "fill_mode"),
    (dict(data_format="channels_middle"), "data_format"),
    (dict(validation_split=1.5), "validation_split"),
    (dict(zoom_range=[0.5, 1.0, 2.0]), "zoom_range"),
    (dict(brightness_range=(0.5,)), "brightness_range"),
    (dict(width_shift_range=[[1, 2]]), "width_shift_range"),
    (dict(height_shift_range="0.1"), "height_shift_range"),
    (dict(rotation_range="30"), "rotation_range"),
    (dict(rescale="1/255"), "rescale"),
])
def test_generator_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        ImageDataGenerator(**kwargs)


def test_generator_rejects_non_callable_preprocessing_function():
    with pytest.raises(TypeError, match="preprocessing_function"):
        ImageDataGenerator(preprocessing_function=3)


def test_implied_settings_warn_like_keras():
    with pytest.warns(UserWarning, match="zca_whitening"):
        gen = ImageDataGenerator(zca_whitening=True, featurewise_std_normalization=True)
    assert gen.featurewise_center and not gen.featurewise_std_normalization
    with pytest.warns(UserWarning, match="samplewise_std_normalization"):
        gen = ImageDataGenerator(samplewise_std_normalization=True)
    assert gen.samplewise_center
    with pytest.warns(UserWarning, match="hasn't been fit"):
        ImageDataGenerator(featurewise_center=True).standardize(np.ones((2, 2, 3)))


def test_default_data_format_and_dtype_follow_the_backend():
    old = config.image_data_format()
    try:
        config.set_image_data_format("channels_first")
        gen = ImageDataGenerator()
        assert gen.data_format == "channels_first" and gen.channel_axis == 1
    finally:
        config.set_image_data_format(old)
    assert ImageDataGenerator().dtype == config.floatx()


def test_fit_statistics_come_from_the_data():
    x = np.random.RandomState(1).rand(6, 3, 4, 3).astype("float32") * 4
    gen = ImageDataGenerator(featurewise_center=True, featurewise_std_normalization=True)
    gen.fit(x)
    np.testing.assert_allclose(gen.mean.ravel(), x.mean(axis=(0, 1, 2)), rtol=1e-5)
    np.testing.assert_allclose(gen.std.ravel(), x.std(axis=(0, 1, 2)), rtol=1e-4)
    out = gen.standardize(x[0].copy())
    np.testing.assert_allclose(out, (x[0] - gen.mean) / (gen.std + 1e-6), rtol=1e-5)
    with pytest.raises(ValueError, match="rank 4"):
        gen.fit(x[0])


def test_zca_whitening_decorrelates_the_data():
    x = np.random.RandomState(2).rand(40, 2, 2, 1).astype("float32")
    x[..., 0, 1, 0] = x[..., 0, 0, 0] * 0.9 + 0.1 * x[..., 0, 1, 0]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gen = ImageDataGenerator(zca_whitening=True, zca_epsilon=1e-8)
    gen.fit(x)
    white = np.stack([gen.standardize(s.copy()) for s in x]).reshape(40, -1)
    np.testing.assert_allclose(white.T @ white / 40, np.eye(4), atol=1e-2)


# ----------------------------------------------------------------------------- iterators
def test_flow_is_a_sequence_and_an_endless_iterator():
    x = _indexed_images(10)
    it = ImageDataGenerator().flow(x, np.arange(10), batch_size=4, shuffle=False)
    assert isinstance(it, Sequence) and isinstance(it, image.Iterator) and len(it) == 3
    batches = [next(it) for _ in range(4)]
    assert [len(b[0]) for b in batches] == [4, 4, 2, 4]
    np.testing.assert_array_equal(batches[2][1], [8, 9])
    np.testing.assert_array_equal(batches[2][0][:, 0, 0, 0], [8, 9])
    seq_batches = [it[i] for i in range(len(it))]
    np.testing.assert_array_equal(seq_batches[1][1], [4, 5, 6, 7])
    with pytest.raises(ValueError, match="length 3"):
        it[3]


def test_shuffled_passes_cover_every_sample_and_reshuffle():
    x = _indexed_images(12)
    it = ImageDataGenerator().flow(x, np.arange(12), batch_size=4, shuffle=True, seed=0)
    first = np.concatenate([it[i][1] for i in range(3)])
    assert sorted(first) == list(range(12))
    it.on_epoch_end()
    second = np.concatenate([it[i][1] for i in range(3)])
    assert sorted(second) == list(range(12)) and not np.array_equal(first, second)


def test_next_is_thread_safe():
    n, batch_size, per_thread, threads = 64, 4, 16, 4
    it = ImageDataGenerator().flow(_indexed_images(n), np.arange(n), batch_size=batch_size,
                                   shuffle=True, seed=3)
    seen, lock = [], threading.Lock()

    def pull():
        for _ in range(per_thread):
            _, y = next(it)
            with lock:
                seen.extend(y.tolist())

    workers = [threading.Thread(target=pull) for _ in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    passes = per_thread * threads * batch_size // n
    assert sorted(seen) == sorted(list(range(n)) * passes)


def test_flow_outputs_sample_weight_extra_inputs_and_subsets():
    x, y = _indexed_images(10), np.array([0, 1] * 5)
    gen = ImageDataGenerator(validation_split=0.2)
    bx, by, bw = gen.flow(x, y, sample_weight=np.arange(10) / 10., batch_size=10, shuffle=False)[0]
    np.testing.assert_array_equal(bw, np.arange(10) / 10.)
    inputs, by = gen.flow((x, [np.arange(10), -np.arange(10)]), y, batch_size=10, shuffle=False)[0]
    assert len(inputs) == 3
    np.testing.assert_array_equal(inputs[2], -np.arange(10))
    val = gen.flow(x, y, batch_size=10, shuffle=False, subset="validation")[0]
    train = gen.flow(x, y, batch_size=10, shuffle=False, subset="training")[0]
    np.testing.assert_array_equal(val[0][:, 0, 0, 0], [0, 1])
    np.testing.assert_array_equal(train[0][:, 0, 0, 0], np.arange(2, 10))


def test_flow_bad_input():
    gen = ImageDataGenerator()
    with pytest.raises(ValueError, match="rank 4"):
        gen.flow(np.zeros((3, 4, 4)))
    with pytest.raises(ValueError, match="same length"):
        gen.flow(np.zeros((3, 4, 4, 1)), np.zeros(2))
    with pytest.raises(ValueError, match="subset"):
        gen.flow(np.zeros((3, 4, 4, 1)), subset="test")
    with pytest.raises(ValueError, match="batch_size"):
        gen.flow(np.zeros((3, 4, 4, 1)), batch_size=0)
    with pytest.raises(ValueError, match="different number of classes"):
        ImageDataGenerator(validation_split=0.5).flow(np.zeros((4, 2, 2, 1)), np.array([0, 0, 1, 1]),
                                                      subset="training")
    with pytest.warns(UserWarning, match="channels"):
        gen.flow(np.zeros((2, 4, 4, 5)))
    with pytest.raises(NotImplementedError, match="flow_from_dataframe"):
        gen.flow_from_dataframe(None, "dir")


def test_flow_save_to_dir(tmp_path):
    it = ImageDataGenerator().flow(np.random.rand(3, 5, 6, 3), batch_size=3, shuffle=False,
                                   save_to_dir=str(tmp_path), save_prefix="aug", save_format="png")
    next(it)
    names = sorted(os.listdir(tmp_path))
    assert len(names) == 3 and all(n.startswith("aug_") and n.endswith(".png") for n in names)
    assert load_img(str(tmp_path / names[0])).size == (6, 5)


# ----------------------------------------------------------------------------- files
def _make_tree(root, sizes=((7, 9), (12, 5), (6, 6))):
    rs = np.random.RandomState(0)
    layout = {"cats": ["c1.png", "c2.jpg", "c3.PNG"], "dogs": ["d1.png", "d2.jpeg"], "zebras": []}
    pixels = {}
    for k, (cls, names) in enumerate(sorted(layout.items())):
        os.makedirs(os.path.join(root, cls))
        for j, name in enumerate(names):
            h, w = sizes[(k + j) % len(sizes)]
            arr = (rs.rand(h, w, 3) * 255).astype("uint8")
            save_img(os.path.join(root, cls, name), arr, scale=False)
            pixels[cls + "/" + name] = arr
    with open(os.path.join(root, "dogs", "readme.txt"), "w") as f:
        f.write("not an image")
    return pixels


def test_flow_from_directory_classes_modes_and_shapes(tmp_path, capsys):
    _make_tree(str(tmp_path))
    gen = ImageDataGenerator()
    it = gen.flow_from_directory(str(tmp_path), target_size=(8, 10), batch_size=5, shuffle=False)
    assert "Found 5 images belonging to 3 classes." in capsys.readouterr().out
    assert it.class_indices == {"cats": 0, "dogs": 1, "zebras": 2}
    assert [f.replace(os.sep, "/") for f in it.filenames] == [
        "cats/c1.png", "cats/c2.jpg", "cats/c3.PNG", "dogs/d1.png", "dogs/d2.jpeg"]
    np.testing.assert_array_equal(it.classes, [0, 0, 0, 1, 1])
    bx, by = it[0]
    assert bx.shape == (5, 8, 10, 3) and bx.dtype == np.float32
    np.testing.assert_array_equal(by, np.eye(3)[[0, 0, 0, 1, 1]])
    for class_mode, check in [("binary", lambda y: y.tolist() == [0, 0, 0, 1, 1]),
                              ("sparse", lambda y: y.dtype == np.int32),
                              ("input", lambda y: y.shape == (5, 8, 10, 3))]:
        bx, by = gen.flow_from_directory(str(tmp_path), target_size=(8, 10), class_mode=class_mode,
                                         shuffle=False)[0]
        assert check(by), class_mode
    only_x = gen.flow_from_directory(str(tmp_path), target_size=(4, 4), class_mode=None,
                                     color_mode="grayscale", shuffle=False)[0]
    assert only_x.shape == (5, 4, 4, 1)
    rgba = ImageDataGenerator(data_format="channels_first").flow_from_directory(
        str(tmp_path), target_size=(4, 3), color_mode="rgba", classes=["dogs"], batch_size=2)[0][0]
    assert rgba.shape == (2, 4, 4, 3) and np.all(rgba[:, 3] == 255)


def test_flow_from_directory_pixels_equal_the_written_files(tmp_path):
    pixels = _make_tree(str(tmp_path), sizes=((6, 7),))
    it = ImageDataGenerator().flow_from_directory(str(tmp_path), target_size=(6, 7), shuffle=False,
                                                  classes=["cats"], batch_size=3)
    bx, _ = it[0]
    np.testing.assert_array_equal(bx[0], pixels["cats/c1.png"])
    np.testing.assert_array_equal(bx[2], pixels["cats/c3.PNG"])


def test_flow_from_directory_subsets_links_and_errors(tmp_path):
    root = tmp_path / "data"
    _make_tree(str(root))
    gen = ImageDataGenerator(validation_split=0.5)
    val = gen.flow_from_directory(str(root), subset="validation", shuffle=False)
    train = gen.flow_from_directory(str(root), subset="training", shuffle=False)
    assert val.samples + train.samples == 5 and val.samples == 2
    assert not set(val.filenames) & set(train.filenames)
    extra = tmp_path / "extra"
    extra.mkdir()
    save_img(str(extra / "x.png"), np.zeros((3, 3, 3)))
    os.symlink(str(extra), str(root / "cats" / "linked"))
    assert gen.flow_from_directory(str(root)).samples == 5
    assert gen.flow_from_directory(str(root), follow_links=True).samples == 6
    with pytest.raises(ValueError, match="class_mode"):
        gen.flow_from_directory(str(root), class_mode="onehot")
    with pytest.raises(ValueError, match="color_mode"):
        gen.flow_from_directory(str(root), color_mode="cmyk")
    with pytest.raises(ValueError, match="interpolation"):
        gen.flow_from_directory(str(root), interpolation="cubic")
    with pytest.raises(ValueError, match="not a directory"):
        gen.flow_from_directory(str(tmp_path / "missing"))
    with pytest.raises(ValueError, match="'birds'"):
        gen.flow_from_directory(str(root), classes=["birds"])


def test_torchvision_decoding_equals_pil_loading(tmp_path):
    """The directory iterator's torchvision path gives load_img's (PIL's) pixels exactly."""
    rs = np.random.RandomState(5)
    arr = (rs.rand(13, 17, 3) * 255).astype("uint8")
    sources = {"rgb.png": PIL.fromarray(arr), "gray.png": PIL.fromarray(arr[..., 0]),
               "rgba.png": PIL.fromarray(np.dstack([arr, arr[..., :1]])),
               "pal.png": PIL.fromarray(arr).convert("P", palette=PIL.ADAPTIVE, colors=9),
               "rgb.jpg": PIL.fromarray(arr), "gray.jpg": PIL.fromarray(arr[..., 1])}
    for name, img in sources.items():
        img.save(str(tmp_path / name))
    checked = 0
    for name in sources:
        path = str(tmp_path / name)
        for color_mode in ("rgb", "grayscale"):
            for size in (None, (13, 17), (5, 6), (30, 11), (13, 40)):
                for data_format in ("channels_last", "channels_first"):
                    assert _image_io._decode_torchvision(path, color_mode) is not None
                    ours = _image_io.load_array(path, color_mode, size, "nearest", data_format)
                    ref = img_to_array(load_img(path, color_mode=color_mode, target_size=size),
                                       data_format=data_format)
                    np.testing.assert_array_equal(ours, ref, err_msg="%s %s %s" % (name, color_mode, size))
                    checked += 1
    assert checked == 120


def test_load_img_options(tmp_path):
    path = str(tmp_path / "a.png")
    save_img(path, np.random.RandomState(0).rand(6, 8, 3))
    assert load_img(path).mode == "RGB" and load_img(path).size == (8, 6)
    with pytest.warns(UserWarning, match="grayscale is deprecated"):
        assert load_img(path, grayscale=True).mode == "L"
    assert load_img(path, color_mode="rgba").mode == "RGBA"
    assert load_img(path, target_size=(3, 4), interpolation="bilinear").size == (4, 3)
    with pytest.raises(ValueError, match="color_mode"):
        load_img(path, color_mode="cmyk")
    with pytest.raises(ValueError, match="interpolation"):
        load_img(path, interpolation="sinc")
    with pytest.raises(ValueError, match="target_size"):
        load_img(path, target_size=(3,))


def test_array_image_round_trips_and_save_img(tmp_path):
    x = np.random.RandomState(3).rand(5, 4, 3).astype("float32")
    img = array_to_img(x)
    assert img.mode == "RGB" and img.size == (4, 5)
    back = img_to_array(img)
    expected = np.floor(x / x.max() * 255)
    np.testing.assert_allclose(back, expected, atol=1.0)
    cf = img_to_array(img, data_format="channels_first")
    np.testing.assert_array_equal(cf, back.transpose(2, 0, 1))
    assert array_to_img(x[..., :1]).mode == "L"
    assert array_to_img(np.dstack([x, x[..., :1]])).mode == "RGBA"
    raw = np.arange(60, dtype="float32").reshape(5, 4, 3)
    np.testing.assert_array_equal(img_to_array(array_to_img(raw, scale=False)), raw)
    for fmt in ("png", "bmp"):
        path = str(tmp_path / ("out." + fmt))
        save_img(path, raw, scale=False)
        np.testing.assert_array_equal(img_to_array(load_img(path)), raw)
    assert sorted(os.listdir(tmp_path)) == ["out.bmp", "out.png"]  # no temporary files left behind
    buf = io.BytesIO()
    save_img(buf, raw, file_format="png", scale=False)
    np.testing.assert_array_equal(np.asarray(PIL.open(io.BytesIO(buf.getvalue()))), raw)
    with pytest.warns(UserWarning, match="RGBA"):
        save_img(str(tmp_path / "a.jpg"), np.dstack([raw, raw[..., :1]]))
    with pytest.raises(ValueError, match="file_format"):
        save_img(io.BytesIO(), raw)
    with pytest.raises(ValueError, match="rank 3"):
        array_to_img(raw[0])
    with pytest.raises(ValueError, match="channel number 2"):
        array_to_img(raw[..., :2])
    with pytest.raises(ValueError, match="data_format"):
        img_to_array(img, data_format="NHWC")
    names = image.list_pictures(str(tmp_path))
    assert sorted(os.path.basename(n) for n in names) == ["a.jpg", "out.bmp", "out.png"]


# ----------------------------------------------------------------------------- Keras 1
@pytest.fixture
def keras1_rows():
    """The Keras-1 table rows for keras.preprocessing.image (torkeras/legacy/keras1.py)."""
    keras1._reset_warnings_for_tests()
    yield
    keras1._reset_warnings_for_tests()


def test_keras1_dim_ordering_goes_through_the_legacy_table(keras1_rows, tmp_path):
    with pytest.warns(UserWarning, match="data_format"):
        gen = ImageDataGenerator(dim_ordering="th")
    assert gen.data_format == "channels_first"
    assert ImageDataGenerator(dim_ordering="default").data_format == config.image_data_format()
    x = np.random.rand(3, 4, 5).astype("float32")
    with pytest.warns(UserWarning, match="array_to_img"):
        img = array_to_img(x, dim_ordering="th")
    assert img.size == (5, 4)
    with pytest.warns(UserWarning, match="img_to_array"):
        assert img_to_array(img, dim_ordering="th").shape == (3, 4, 5)
    with pytest.warns(UserWarning, match="NumpyArrayIterator"):
        it = NumpyArrayIterator(np.zeros((2, 3, 4, 4)), None, gen, dim_ordering="th")
    assert it.data_format == "channels_first"
    _make_tree(str(tmp_path))
    with pytest.warns(UserWarning, match="DirectoryIterator"):
        it = DirectoryIterator(str(tmp_path), gen, target_size=(3, 3), dim_ordering="tf")
    assert it.image_shape == (3, 3, 3)
