"""Batch iterators of ``keras.preprocessing.image``: Iterator, NumpyArrayIterator, DirectoryIterator.

They are :class:`~torkeras.utils.data_utils.Sequence` objects (``len``, ``[index]``, ``on_epoch_end``)
and endless thread-safe iterators (``next``), with Keras 2.2.4's order of random draws: the index
order of a pass comes from ``np.random.permutation``, and with a ``seed`` the global numpy generator
is reseeded with ``seed + total_batches_seen`` before every batch (keras_preprocessing 1.0.5).
"""
import os
import threading
import warnings

import numpy as np

from ..utils.data_utils import Sequence
from . import _image_io
from ._image_io import check_choice

_WHITE_LIST_FORMATS = ('png', 'jpg', 'jpeg', 'bmp', 'ppm', 'tif', 'tiff')
CLASS_MODES = ('categorical', 'binary', 'sparse', 'input', None)
SUBSETS = ('training', 'validation')


def _dtype(dtype):
    from ..backend import config
    return config.floatx() if dtype is None else dtype


def _data_format(data_format):
    from ..backend import config
    data_format = config.image_data_format() if data_format is None else data_format
    check_choice("ImageDataGenerator", "data_format", data_format, _image_io.DATA_FORMATS)
    return data_format


class Iterator(Sequence):
    """Base class of the image batch iterators.

    Subclasses implement ``_get_batches_of_transformed_samples(index_array)``.

    Args:
        n: number of samples.
        batch_size: samples per batch.
        shuffle: reshuffle the sample order at the start of every pass.
        seed: seed of the shuffles and random transforms (reseeds numpy's global generator).
    """

    def __init__(self, n, batch_size, shuffle, seed):
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError("`%s`: `batch_size` must be a positive integer. Received: batch_size=%r"
                             % (type(self).__name__, batch_size))
        self.n = n
        self.batch_size = batch_size
        self.seed = seed
        self.shuffle = shuffle
        self.batch_index = 0
        self.total_batches_seen = 0
        self.lock = threading.Lock()
        self.index_array = None
        self.index_generator = self._flow_index()

    def _set_index_array(self):
        self.index_array = np.arange(self.n)
        if self.shuffle:
            self.index_array = np.random.permutation(self.n)

    def __getitem__(self, idx):
        if idx >= len(self):
            raise ValueError("Asked to retrieve element {idx}, but the Sequence has length {length}"
                             .format(idx=idx, length=len(self)))
        if self.seed is not None:
            np.random.seed(self.seed + self.total_batches_seen)
        self.total_batches_seen += 1
        if self.index_array is None:
            self._set_index_array()
        index_array = self.index_array[self.batch_size * idx:self.batch_size * (idx + 1)]
        return self._get_batches_of_transformed_samples(index_array)

    def __len__(self):
        return (self.n + self.batch_size - 1) // self.batch_size

    def on_epoch_end(self):
        self._set_index_array()

    def reset(self):
        self.batch_index = 0

    def _flow_index(self):
        self.reset()
        while True:
            if self.seed is not None:
                np.random.seed(self.seed + self.total_batches_seen)
            if self.batch_index == 0:
                self._set_index_array()
            current_index = (self.batch_index * self.batch_size) % self.n
            if self.n > current_index + self.batch_size:
                self.batch_index += 1
            else:
                self.batch_index = 0
            self.total_batches_seen += 1
            yield self.index_array[current_index:current_index + self.batch_size]

    def __iter__(self):
        return self

    def __next__(self):
        return self.next()

    def next(self):
        """The next batch (the index bookkeeping runs under a lock, the transforms do not)."""
        if self.n == 0:
            raise ValueError("`%s` has no samples to iterate over." % (type(self).__name__,))
        with self.lock:
            index_array = next(self.index_generator)
        return self._get_batches_of_transformed_samples(index_array)

    def _get_batches_of_transformed_samples(self, index_array):
        raise NotImplementedError("%s must implement _get_batches_of_transformed_samples(index_array)."
                                  % (type(self).__name__,))

    def _transform(self, x):
        gen = self.image_data_generator
        params = gen.get_random_transform(x.shape)
        return gen.standardize(gen.apply_transform(x, params))

    def _save_batch(self, batch_x, index_array, hash_range):
        for i, j in enumerate(index_array):
            fname = '{prefix}_{index}_{hash}.{format}'.format(
                prefix=self.save_prefix, index=j, hash=np.random.randint(hash_range),
                format=self.save_format)
            _image_io.save_img(os.path.join(self.save_to_dir, fname), batch_x[i],
                               data_format=self.data_format, file_format=self.save_format, scale=True)


def _check_subset(subset):
    if subset is not None:
        check_choice("ImageDataGenerator", "subset", subset, SUBSETS)


class NumpyArrayIterator(Iterator):
    """Batches of transformed images from a numpy array (see ``ImageDataGenerator.flow``).

    Args:
        x: images (rank 4), or a tuple ``(images, extra)`` where ``extra`` (an array or a list of
            arrays) is passed through unchanged as additional inputs.
        y: targets, or None.
        image_data_generator: the :class:`ImageDataGenerator` that transforms each image.
        batch_size, shuffle, seed: as :class:`Iterator`.
        sample_weight: per-sample weights, yielded as a third element.
        data_format: ``'channels_last'`` or ``'channels_first'``.
        save_to_dir, save_prefix, save_format: save every transformed image there (for debugging).
        subset: ``'training'`` or ``'validation'`` part of the generator's ``validation_split``.
        dtype: dtype of the image batches.
    """

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False, sample_weight=None,
                 seed=None, data_format=None, save_to_dir=None, save_prefix='', save_format='png',
                 subset=None, dtype=None):
        self.dtype = _dtype(dtype)
        data_format = _data_format(data_format)
        _check_subset(subset)
        if isinstance(x, (tuple, list)):
            extra = x[1]
            x_misc = [np.asarray(a) for a in extra] if isinstance(extra, list) else [np.asarray(extra)]
            x = x[0]
            for a in x_misc:
                if len(x) != len(a):
                    raise ValueError("All of the arrays in `x` should have the same length. Found a "
                                     "pair with: len(x[0]) = %s, len(x[?]) = %s" % (len(x), len(a)))
        else:
            x_misc = []
        if y is not None and len(x) != len(y):
            raise ValueError("`x` (images tensor) and `y` (labels) should have the same length. "
                             "Found: x.shape = %s, y.shape = %s"
                             % (np.asarray(x).shape, np.asarray(y).shape))
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError("`x` (images tensor) and `sample_weight` should have the same length. "
                             "Found: x.shape = %s, sample_weight.shape = %s"
                             % (np.asarray(x).shape, np.asarray(sample_weight).shape))
        if subset is not None:
            split_idx = int(len(x) * image_data_generator._validation_split)
            if y is not None and not np.array_equal(np.unique(y[:split_idx]), np.unique(y[split_idx:])):
                raise ValueError("Training and validation subsets have different number of classes "
                                 "after the split. If your numpy arrays are sorted by the label, you "
                                 "might want to shuffle them.")
            part = slice(None, split_idx) if subset == 'validation' else slice(split_idx, None)
            x = x[part]
            x_misc = [np.asarray(a[part]) for a in x_misc]
            if y is not None:
                y = y[part]
        self.x = np.asarray(x, dtype=self.dtype)
        self.x_misc = x_misc
        if self.x.ndim != 4:
            raise ValueError("Input data in `NumpyArrayIterator` should have rank 4. You passed an "
                             "array with shape %s" % (self.x.shape,))
        channels_axis = 3 if data_format == 'channels_last' else 1
        if self.x.shape[channels_axis] not in {1, 3, 4}:
            warnings.warn('NumpyArrayIterator is set to use the data format convention "%s" (channels '
                          'on axis %d), i.e. expected either 1, 3, or 4 channels on axis %d. However, '
                          'it was passed an array with shape %s (%d channels).'
                          % (data_format, channels_axis, channels_axis, self.x.shape,
                             self.x.shape[channels_axis]))
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.data_format = data_format
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        super(NumpyArrayIterator, self).__init__(self.x.shape[0], batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.x.shape[1:], dtype=self.dtype)
        for i, j in enumerate(index_array):
            batch_x[i] = self._transform(self.x[j].astype(self.dtype))
        if self.save_to_dir:
            self._save_batch(batch_x, index_array, int(1e4))
        misc = [a[index_array] for a in self.x_misc]
        output = (batch_x if not misc else [batch_x] + misc,)
        if self.y is None:
            return output[0]
        output += (self.y[index_array],)
        if self.sample_weight is not None:
            output += (self.sample_weight[index_array],)
        return output


def _iter_valid_files(directory, follow_links):
    """(root, filename) of the image files under ``directory``, in sorted walk order."""
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda t: t[0]):
        for fname in sorted(files):
            lower = fname.lower()
            if lower.endswith('.tiff'):
                warnings.warn("Using '.tiff' files with multiple bands will cause distortion. "
                              "Please verify your output.")
            if any(lower.endswith('.' + ext) for ext in _WHITE_LIST_FORMATS):
                yield root, fname


def _list_class_files(directory, split, class_index, follow_links):
    """Class indices and paths (relative to the parent of ``directory``) of one class folder."""
    files = list(_iter_valid_files(directory, follow_links))
    if split:
        files = files[int(split[0] * len(files)):int(split[1] * len(files))]
    dirname = os.path.basename(directory)
    filenames = [os.path.join(dirname, os.path.relpath(os.path.join(root, fname), directory))
                 for root, fname in files]
    return [class_index] * len(filenames), filenames


class DirectoryIterator(Iterator):
    """Batches of transformed images read from class subfolders (see ``flow_from_directory``).

    Args:
        directory: folder with one subfolder per class.
        image_data_generator: the :class:`ImageDataGenerator` that transforms each image.
        target_size: ``(height, width)`` every image is resized to.
        color_mode: ``'grayscale'``, ``'rgb'`` or ``'rgba'``.
        classes: class subfolder names (default: every subfolder, sorted).
        class_mode: ``'categorical'`` (one-hot), ``'binary'``, ``'sparse'`` (integers), ``'input'``
            (the images themselves) or None (images only).
        batch_size, shuffle, seed: as :class:`Iterator`.
        data_format: ``'channels_last'`` or ``'channels_first'``.
        save_to_dir, save_prefix, save_format: save every transformed image there (for debugging).
        follow_links: follow symbolic links inside the class folders.
        subset: ``'training'`` or ``'validation'`` part of the generator's ``validation_split``
            (taken from every class folder: the first fraction is validation).
        interpolation: resampling filter used when resizing.
        dtype: dtype of the image batches.
    """

    def __init__(self, directory, image_data_generator, target_size=(256, 256), color_mode='rgb',
                 classes=None, class_mode='categorical', batch_size=32, shuffle=True, seed=None,
                 data_format=None, save_to_dir=None, save_prefix='', save_format='png',
                 follow_links=False, subset=None, interpolation='nearest', dtype=None):
        data_format = _data_format(data_format)
        check_choice("flow_from_directory", "color_mode", color_mode, _image_io.COLOR_MODES)
        check_choice("flow_from_directory", "class_mode", class_mode, CLASS_MODES)
        check_choice("flow_from_directory", "interpolation", interpolation, _image_io.INTERPOLATIONS)
        _check_subset(subset)
        _image_io._target_wh("flow_from_directory", target_size)
        if not os.path.isdir(directory):
            raise ValueError("`flow_from_directory`: %r is not a directory. Expected a folder with one "
                             "subfolder of images per class." % (directory,))
        self.image_data_generator = image_data_generator
        self.target_size = tuple(target_size)
        self.color_mode = color_mode
        self.data_format = data_format
        channels = {'rgba': 4, 'rgb': 3, 'grayscale': 1}[color_mode]
        self.image_shape = (self.target_size + (channels,) if data_format == 'channels_last'
                            else (channels,) + self.target_size)
        self.save_to_dir = save_to_dir
        self.save_prefix = save_prefix
        self.save_format = save_format
        self.interpolation = interpolation
        if subset is not None:
            split = image_data_generator._validation_split
            self.split = (0, split) if subset == 'validation' else (split, 1)
        else:
            self.split = None
        self.subset = subset
        self.directory = directory
        self.class_mode = class_mode
        self.dtype = _dtype(dtype)
        if not classes:
            classes = [d for d in sorted(os.listdir(directory))
                       if os.path.isdir(os.path.join(directory, d))]
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))
        labels = []
        self.filenames = []
        for name in classes:
            sub = os.path.join(directory, name)
            if not os.path.isdir(sub):
                raise ValueError("`flow_from_directory`: class folder %r does not exist in %r."
                                 % (name, directory))
            class_labels, filenames = _list_class_files(sub, self.split, self.class_indices[name],
                                                        follow_links)
            labels.extend(class_labels)
            self.filenames.extend(filenames)
        self.samples = len(self.filenames)
        self.classes = np.array(labels, dtype='int32')
        print('Found %d images belonging to %d classes.' % (self.samples, self.num_classes))
        super(DirectoryIterator, self).__init__(self.samples, batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array),) + self.image_shape, dtype=self.dtype)
        for i, j in enumerate(index_array):
            x = _image_io.load_array(os.path.join(self.directory, self.filenames[j]), self.color_mode,
                                     self.target_size, self.interpolation, self.data_format)
            batch_x[i] = self._transform(x)
        if self.save_to_dir:
            self._save_batch(batch_x, index_array, int(1e7))
        if self.class_mode == 'input':
            return batch_x, batch_x.copy()
        if self.class_mode == 'sparse':
            return batch_x, self.classes[index_array]
        if self.class_mode == 'binary':
            return batch_x, self.classes[index_array].astype(self.dtype)
        if self.class_mode == 'categorical':
            batch_y = np.zeros((len(batch_x), self.num_classes), dtype=self.dtype)
            for i, label in enumerate(self.classes[index_array]):
                batch_y[i, label] = 1.
            return batch_x, batch_y
        return batch_x
