"""Real-time image augmentation (``keras.preprocessing.image``).

Behaviour follows Keras 2.2.4, whose implementation lived in ``keras_preprocessing`` 1.0.5
(``keras_preprocessing/image.py``): the same random draws in the same order from numpy's global
generator (a seeded flow gives Keras's batches), the same affine matrices and boundary modes, the same
standardization order (preprocessing_function, rescale, samplewise, featurewise, ZCA) and the same
iterators. The array math runs on torch and numpy, file decoding on torchvision (see
:mod:`torkeras.preprocessing._image_io` for where PIL is still needed). Keras-1 spellings
(``dim_ordering``) are translated by :mod:`torkeras.legacy.keras1`.

One deliberate difference: a brightness shift uses the generator's channel axis; Keras 2.2.4 always
treated the image as channels-last there, which fails for channels-first images.
"""
import functools
import numbers
import warnings

import numpy as np

from ..legacy import keras1
from ..legacy.keras1 import legacy_interface
from . import _image_io, _image_ops, _iterators
from ._image_io import check_choice, list_pictures, load_img, save_img  # noqa: F401
from ._image_ops import (apply_affine_transform, apply_brightness_shift,  # noqa: F401
                         apply_channel_shift, flip_axis, random_brightness, random_channel_shift,
                         random_rotation, random_shear, random_shift, random_zoom,
                         transform_matrix_offset_center)


def _legacy_function(name):
    """Apply the Keras-1 table row ``name`` to calls of a module-level function."""
    def decorator(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            args, kwargs = keras1.convert(name, args, kwargs)
            return func(*args, **kwargs)
        return wrapper
    return decorator


@_legacy_function("array_to_img")
def array_to_img(x, data_format=None, scale=True, dtype=None):
    """A PIL Image from a 3-D array (see :func:`torkeras.preprocessing._image_io.array_to_img`)."""
    return _image_io.array_to_img(x, data_format=data_format, scale=scale, dtype=dtype)


@_legacy_function("img_to_array")
def img_to_array(img, data_format=None, dtype=None):
    """A 3-D array from a PIL Image (see :func:`torkeras.preprocessing._image_io.img_to_array`)."""
    return _image_io.img_to_array(img, data_format=data_format, dtype=dtype)


array_to_img.__doc__ = _image_io.array_to_img.__doc__
img_to_array.__doc__ = _image_io.img_to_array.__doc__
Iterator = _iterators.Iterator


class NumpyArrayIterator(_iterators.NumpyArrayIterator):
    __doc__ = _iterators.NumpyArrayIterator.__doc__

    @legacy_interface("NumpyArrayIterator")
    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False, sample_weight=None,
                 seed=None, data_format=None, save_to_dir=None, save_prefix='', save_format='png',
                 subset=None, dtype=None):
        super(NumpyArrayIterator, self).__init__(
            x, y, image_data_generator, batch_size=batch_size, shuffle=shuffle,
            sample_weight=sample_weight, seed=seed, data_format=data_format, save_to_dir=save_to_dir,
            save_prefix=save_prefix, save_format=save_format, subset=subset, dtype=dtype)


class DirectoryIterator(_iterators.DirectoryIterator):
    __doc__ = _iterators.DirectoryIterator.__doc__

    @legacy_interface("DirectoryIterator")
    def __init__(self, directory, image_data_generator, target_size=(256, 256), color_mode='rgb',
                 classes=None, class_mode='categorical', batch_size=32, shuffle=True, seed=None,
                 data_format=None, save_to_dir=None, save_prefix='', save_format='png',
                 follow_links=False, subset=None, interpolation='nearest', dtype=None):
        super(DirectoryIterator, self).__init__(
            directory, image_data_generator, target_size=target_size, color_mode=color_mode,
            classes=classes, class_mode=class_mode, batch_size=batch_size, shuffle=shuffle,
            seed=seed, data_format=data_format, save_to_dir=save_to_dir, save_prefix=save_prefix,
            save_format=save_format, follow_links=follow_links, subset=subset,
            interpolation=interpolation, dtype=dtype)


def _is_number(value):
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _shift_kind(name, value):
    """'float' (uniform draw), 'choice' (np.random.choice draw) for a width/height shift range."""
    if isinstance(value, numbers.Integral):
        return 'choice'
    if isinstance(value, numbers.Real):
        return 'float'
    arr = np.asarray(value)
    if arr.ndim != 1 or arr.size == 0 or not np.issubdtype(arr.dtype, np.number):
        raise ValueError("`ImageDataGenerator`: `%s` must be a float, an int or a 1-D list of numbers. "
                         "Received: %s=%r" % (name, name, value))
    return 'choice'


def _truthy(value):
    """Keras's ``if range:`` test (a non-empty list or array counts as set, even ``[0]``)."""
    return np.size(value) > 0 if isinstance(value, np.ndarray) else bool(value)


def _check_number(name, value, allow_none=False):
    if (value is None and allow_none) or _is_number(value):
        return
    raise ValueError("`ImageDataGenerator`: `%s` must be a number%s. Received: %s=%r"
                     % (name, " or None" if allow_none else "", name, value))


class ImageDataGenerator(object):
    """Batches of image data with real-time augmentation and normalization.

    Args:
        featurewise_center: subtract the dataset mean (per channel; needs :meth:`fit`).
        samplewise_center: subtract each sample's mean.
        featurewise_std_normalization: divide by the dataset std (per channel; needs :meth:`fit`).
        samplewise_std_normalization: divide each sample by its std.
        zca_whitening: apply ZCA whitening (needs :meth:`fit`).
        zca_epsilon: epsilon of the ZCA whitening.
        rotation_range: random rotations in ``[-rotation_range, rotation_range)`` degrees.
        width_shift_range: float: fraction of the width if < 1, else pixels, drawn uniformly in
            ``[-v, v)``; int: whole pixels in ``(-v, v)``; 1-D list: one of its values, random sign.
        height_shift_range: as ``width_shift_range``, for the height.
        brightness_range: two floats: random brightness factor range.
        shear_range: random shear angle in ``[-shear_range, shear_range)`` degrees.
        zoom_range: float ``z`` (range ``[1 - z, 1 + z]``) or ``[lower, upper]``.
        channel_shift_range: random channel shift range.
        fill_mode: ``'constant'``, ``'nearest'``, ``'reflect'`` or ``'wrap'``.
        cval: fill value for ``fill_mode='constant'``.
        horizontal_flip: randomly flip columns.
        vertical_flip: randomly flip rows.
        rescale: multiply the data by this value (after the transforms); None or 0: no rescaling.
        preprocessing_function: function applied to each image (rank 3) before anything else in
            :meth:`standardize`.
        data_format: ``'channels_last'`` or ``'channels_first'`` (default: the backend's).
        validation_split: fraction of the data reserved for ``subset='validation'``.
        dtype: dtype of the generated arrays (default: the backend's floatx).

    Example:
        >>> datagen = ImageDataGenerator(rotation_range=20, width_shift_range=0.2,
        ...                              horizontal_flip=True)
        >>> model.fit_generator(datagen.flow(x_train, y_train, batch_size=32),
        ...                     steps_per_epoch=len(x_train) // 32, epochs=5)
    """

    @legacy_interface("ImageDataGenerator")
    def __init__(self, featurewise_center=False, samplewise_center=False,
                 featurewise_std_normalization=False, samplewise_std_normalization=False,
                 zca_whitening=False, zca_epsilon=1e-6, rotation_range=0, width_shift_range=0.,
                 height_shift_range=0., brightness_range=None, shear_range=0., zoom_range=0.,
                 channel_shift_range=0., fill_mode='nearest', cval=0., horizontal_flip=False,
                 vertical_flip=False, rescale=None, preprocessing_function=None, data_format=None,
                 validation_split=0.0, dtype=None):
        from ..backend import config
        data_format = config.image_data_format() if data_format is None else data_format
        check_choice("ImageDataGenerator", "data_format", data_format, _image_io.DATA_FORMATS)
        _image_ops.check_fill_mode("ImageDataGenerator", fill_mode)
        for name, value in (("zca_epsilon", zca_epsilon), ("rotation_range", rotation_range),
                            ("shear_range", shear_range), ("channel_shift_range", channel_shift_range),
                            ("cval", cval), ("validation_split", validation_split)):
            _check_number(name, value)
        _check_number("rescale", rescale, allow_none=True)
        self._height_kind = _shift_kind("height_shift_range", height_shift_range)
        self._width_kind = _shift_kind("width_shift_range", width_shift_range)
        if brightness_range is not None and (len(brightness_range) != 2
                                             or not all(_is_number(b) for b in brightness_range)):
            raise ValueError("`ImageDataGenerator`: `brightness_range` should be a tuple or list of two "
                             "floats. Received: %s" % (brightness_range,))
        if preprocessing_function is not None and not callable(preprocessing_function):
            raise TypeError("`ImageDataGenerator`: `preprocessing_function` must be callable or None. "
                            "Received: %r" % (preprocessing_function,))
        if validation_split and not 0 < validation_split < 1:
            raise ValueError("`ImageDataGenerator`: `validation_split` must be strictly between 0 and 1. "
                             "Received: %s" % (validation_split,))
        if np.isscalar(zoom_range) and _is_number(zoom_range):
            zoom = [1 - zoom_range, 1 + zoom_range]
        elif not np.isscalar(zoom_range) and len(zoom_range) == 2:
            zoom = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError("`ImageDataGenerator`: `zoom_range` should be a float or a tuple or list "
                             "of two floats. Received: %s" % (zoom_range,))
        self.featurewise_center = featurewise_center
        self.samplewise_center = samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening = zca_whitening
        self.zca_epsilon = zca_epsilon
        self.rotation_range = rotation_range
        self.width_shift_range = width_shift_range
        self.height_shift_range = height_shift_range
        self.brightness_range = brightness_range
        self.shear_range = shear_range
        self.zoom_range = zoom
        self.channel_shift_range = channel_shift_range
        self.fill_mode = fill_mode
        self.cval = cval
        self.horizontal_flip = horizontal_flip
        self.vertical_flip = vertical_flip
        self.rescale = rescale
        self.preprocessing_function = preprocessing_function
        self.dtype = config.floatx() if dtype is None else dtype
        self.data_format = data_format
        if data_format == 'channels_first':
            self.channel_axis, self.row_axis, self.col_axis = 1, 2, 3
        else:
            self.channel_axis, self.row_axis, self.col_axis = 3, 1, 2
        self._validation_split = validation_split
        self.mean = None
        self.std = None
        self.principal_components = None
        self._resolve_overrides()

    def _resolve_overrides(self):
        """Keras's implied settings: ZCA and featurewise std need centring; samplewise std too."""
        def override(attr, value, message):
            setattr(self, attr, value)
            warnings.warn("This ImageDataGenerator specifies " + message)

        if self.zca_whitening:
            if not self.featurewise_center:
                override('featurewise_center', True, "`zca_whitening`, which overrides setting of "
                                                     "`featurewise_center`.")
            if self.featurewise_std_normalization:
                override('featurewise_std_normalization', False, "`zca_whitening` which overrides "
                         "setting of`featurewise_std_normalization`.")
        if self.featurewise_std_normalization and not self.featurewise_center:
            override('featurewise_center', True, "`featurewise_std_normalization`, which overrides "
                                                 "setting of `featurewise_center`.")
        if self.samplewise_std_normalization and not self.samplewise_center:
            override('samplewise_center', True, "`samplewise_std_normalization`, which overrides "
                                                "setting of `samplewise_center`.")

    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None,
             save_to_dir=None, save_prefix='', save_format='png', subset=None):
        """An endless iterator (and Sequence) of augmented batches from arrays.

        Args:
            x: images (rank 4), or ``(images, extra_inputs)`` with extra arrays passed through.
            y: labels, or None (then batches are images only).
            batch_size: images per batch.
            shuffle: shuffle the order every pass.
            sample_weight: per-sample weights (yielded third).
            seed: seed for the shuffles and transforms.
            save_to_dir, save_prefix, save_format: save the augmented images (for debugging).
            subset: ``'training'`` or ``'validation'`` (with ``validation_split``).

        Returns:
            A :class:`NumpyArrayIterator` yielding ``(x, y)``, ``(x, y, sample_weight)`` or ``x``.
        """
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle,
                                  sample_weight=sample_weight, seed=seed, data_format=self.data_format,
                                  save_to_dir=save_to_dir, save_prefix=save_prefix,
                                  save_format=save_format, subset=subset, dtype=self.dtype)

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode='rgb', classes=None,
                            class_mode='categorical', batch_size=32, shuffle=True, seed=None,
                            save_to_dir=None, save_prefix='', save_format='png', follow_links=False,
                            subset=None, interpolation='nearest'):
        """An endless iterator (and Sequence) of augmented batches from class subfolders.

        Args:
            directory: folder with one subfolder per class (PNG, JPG, BMP, PPM, TIF images).
            target_size: ``(height, width)`` every image is resized to.
            color_mode: ``'grayscale'``, ``'rgb'`` or ``'rgba'``.
            classes: class subfolder names (default: all subfolders, sorted; see ``class_indices``).
            class_mode: ``'categorical'``, ``'binary'``, ``'sparse'``, ``'input'`` or None.
            batch_size, shuffle, seed: as :meth:`flow`.
            save_to_dir, save_prefix, save_format: save the augmented images (for debugging).
            follow_links: follow symbolic links in the class subfolders.
            subset: ``'training'`` or ``'validation'`` (with ``validation_split``).
            interpolation: ``'nearest'``, ``'bilinear'``, ``'bicubic'``, ``'lanczos'``, ``'box'`` or
                ``'hamming'``.

        Returns:
            A :class:`DirectoryIterator`.
        """
        return DirectoryIterator(directory, self, target_size=target_size, color_mode=color_mode,
                                 classes=classes, class_mode=class_mode, data_format=self.data_format,
                                 batch_size=batch_size, shuffle=shuffle, seed=seed,
                                 save_to_dir=save_to_dir, save_prefix=save_prefix,
                                 save_format=save_format, follow_links=follow_links, subset=subset,
                                 interpolation=interpolation, dtype=self.dtype)

    def flow_from_dataframe(self, dataframe, directory, x_col="filename", y_col="class", has_ext=True,
                            target_size=(256, 256), color_mode='rgb', classes=None,
                            class_mode='categorical', batch_size=32, shuffle=True, seed=None,
                            save_to_dir=None, save_prefix='', save_format='png', subset=None,
                            interpolation='nearest'):
        """Not supported by torkeras: raises NotImplementedError (use flow_from_directory or flow)."""
        raise NotImplementedError("ImageDataGenerator.flow_from_dataframe (a pandas feature of "
                                  "keras_preprocessing 1.0.5) is not supported by torkeras. Arrange the "
                                  "files in one subfolder per class and use flow_from_directory, or "
                                  "load the images with load_img and use flow.")

    def standardize(self, x):
        """Normalize one image (in place where numpy allows, as Keras): preprocessing_function,
        rescale, samplewise centre/std, featurewise centre/std, ZCA whitening."""
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= (np.std(x, keepdims=True) + 1e-6)
        if self.featurewise_center:
            if self.mean is not None:
                x -= self.mean
            else:
                self._warn_not_fit('featurewise_center')
        if self.featurewise_std_normalization:
            if self.std is not None:
                x /= (self.std + 1e-6)
            else:
                self._warn_not_fit('featurewise_std_normalization')
        if self.zca_whitening:
            if self.principal_components is not None:
                flatx = np.reshape(x, (-1, np.prod(x.shape[-3:])))
                x = np.reshape(np.dot(flatx, self.principal_components), x.shape)
            else:
                self._warn_not_fit('zca_whitening')
        return x

    @staticmethod
    def _warn_not_fit(what):
        warnings.warn("This ImageDataGenerator specifies `%s`, but it hasn't been fit on any training "
                      "data. Fit it first by calling `.fit(numpy_data)`." % (what,))

    def _draw_shift(self, value, kind, size):
        if kind == 'choice':
            shift = np.random.choice(value)
            shift *= np.random.choice([-1, 1])
        else:
            shift = np.random.uniform(-value, value)
        if np.max(value) < 1:
            shift *= size
        return shift

    def get_random_transform(self, img_shape, seed=None):
        """Random transform parameters for an image of shape ``img_shape`` (Keras's draw order).

        Args:
            img_shape: shape of one image.
            seed: reseed numpy's global generator first.

        Returns:
            Dict with ``theta, tx, ty, shear, zx, zy, flip_horizontal, flip_vertical,
            channel_shift_intensity, brightness``.
        """
        img_row_axis = self.row_axis - 1
        img_col_axis = self.col_axis - 1
        if seed is not None:
            np.random.seed(seed)
        theta = np.random.uniform(-self.rotation_range, self.rotation_range) if self.rotation_range else 0
        tx = (self._draw_shift(self.height_shift_range, self._height_kind, img_shape[img_row_axis])
              if _truthy(self.height_shift_range) else 0)
        ty = (self._draw_shift(self.width_shift_range, self._width_kind, img_shape[img_col_axis])
              if _truthy(self.width_shift_range) else 0)
        shear = np.random.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = np.random.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = (np.random.random() < 0.5) * self.horizontal_flip
        flip_vertical = (np.random.random() < 0.5) * self.vertical_flip
        channel_shift_intensity = None
        if self.channel_shift_range != 0:
            channel_shift_intensity = np.random.uniform(-self.channel_shift_range,
                                                        self.channel_shift_range)
        brightness = None
        if self.brightness_range is not None:
            brightness = np.random.uniform(self.brightness_range[0], self.brightness_range[1])
        return {'theta': theta, 'tx': tx, 'ty': ty, 'shear': shear, 'zx': zx, 'zy': zy,
                'flip_horizontal': flip_horizontal, 'flip_vertical': flip_vertical,
                'channel_shift_intensity': channel_shift_intensity, 'brightness': brightness}

    def apply_transform(self, x, transform_parameters):
        """Apply ``transform_parameters`` (see :meth:`get_random_transform`) to one image.

        Args:
            x: one image (3-D).
            transform_parameters: dict; missing keys mean no change.

        Returns:
            The transformed image.
        """
        img_row_axis = self.row_axis - 1
        img_col_axis = self.col_axis - 1
        img_channel_axis = self.channel_axis - 1
        p = transform_parameters
        x = apply_affine_transform(x, p.get('theta', 0), p.get('tx', 0), p.get('ty', 0),
                                   p.get('shear', 0), p.get('zx', 1), p.get('zy', 1),
                                   row_axis=img_row_axis, col_axis=img_col_axis,
                                   channel_axis=img_channel_axis, fill_mode=self.fill_mode,
                                   cval=self.cval)
        if p.get('channel_shift_intensity') is not None:
            x = apply_channel_shift(x, p['channel_shift_intensity'], img_channel_axis)
        if p.get('flip_horizontal', False):
            x = flip_axis(x, img_col_axis)
        if p.get('flip_vertical', False):
            x = flip_axis(x, img_row_axis)
        if p.get('brightness') is not None:
            x = apply_brightness_shift(x, p['brightness'], channel_axis=img_channel_axis)
        return x

    def random_transform(self, x, seed=None):
        """One image with a random transform applied (``apply_transform(get_random_transform())``)."""
        return self.apply_transform(x, self.get_random_transform(x.shape, seed))

    def fit(self, x, augment=False, rounds=1, seed=None):
        """Compute the dataset statistics that featurewise normalization and ZCA whitening use.

        Args:
            x: sample images, rank 4.
            augment: fit on randomly augmented copies.
            rounds: number of augmented passes over ``x`` when ``augment``.
            seed: reseed numpy's global generator first.
        """
        x = np.asarray(x, dtype=self.dtype)
        if x.ndim != 4:
            raise ValueError("Input to `.fit()` should have rank 4. Got array with shape: %s"
                             % (x.shape,))
        if x.shape[self.channel_axis] not in {1, 3, 4}:
            warnings.warn('Expected input to be images (as Numpy array) following the data format '
                          'convention "%s" (channels on axis %d), i.e. expected either 1, 3 or 4 '
                          'channels on axis %d. However, it was passed an array with shape %s (%d '
                          'channels).' % (self.data_format, self.channel_axis, self.channel_axis,
                                          x.shape, x.shape[self.channel_axis]))
        if seed is not None:
            np.random.seed(seed)
        x = np.copy(x)
        if augment:
            augmented = np.zeros((rounds * x.shape[0],) + x.shape[1:], dtype=self.dtype)
            for r in range(rounds):
                for i in range(x.shape[0]):
                    augmented[i + r * x.shape[0]] = self.random_transform(x[i])
            x = augmented
        broadcast_shape = [1, 1, 1]
        broadcast_shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        if self.featurewise_center:
            self.mean = np.reshape(np.mean(x, axis=(0, self.row_axis, self.col_axis)), broadcast_shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.reshape(np.std(x, axis=(0, self.row_axis, self.col_axis)), broadcast_shape)
            x /= (self.std + 1e-6)
        if self.zca_whitening:
            flat_x = np.reshape(x, (x.shape[0], x.shape[1] * x.shape[2] * x.shape[3]))
            sigma = np.dot(flat_x.T, flat_x) / flat_x.shape[0]
            u, s, _ = np.linalg.svd(sigma)
            s_inv = 1. / np.sqrt(s[np.newaxis] + self.zca_epsilon)
            self.principal_components = (u * s_inv).dot(u.T)


# Keras 1.2.2 module-level helper (torkeras.legacy.preprocessing).
from ..legacy.preprocessing import apply_transform  # noqa: E402,F401
