"""Feeding batches to ``fit_generator``: :class:`Sequence` and the enqueuers (``keras.utils.data_utils``).

An enqueuer runs a :class:`Sequence` or a Python generator ahead of training, in worker threads or
worker processes, and hands the batches over through a bounded queue (``max_queue_size``). Rules:

- ``OrderedEnqueuer`` keeps the Sequence's order (shuffled per pass when asked) and calls
  ``on_epoch_end()`` between passes, when the first batch of the next pass is requested.
- ``GeneratorEnqueuer`` in threads serializes the ``next()`` calls, so a plain generator needs no
  lock of its own and batches keep the generator's order. In processes (``fork`` where the platform
  has it) every worker runs its own copy of the generator, as in Keras: data may repeat.
- An exception raised by the Sequence or generator reaches the consumer with its traceback (from a
  process: the worker's traceback text as ``__cause__``). ``stop()`` joins every thread and process
  the enqueuer started.

Worker processes find their Sequence or generator as in Keras 2.2.4: the pool's initializer
(:func:`init_pool` / :func:`init_pool_generator`) registers it under the enqueuer's ``uid`` and the
tasks are :func:`get_index` / :func:`next_sample`. :func:`urlretrieve` is Keras's download helper
(urllib's convention, atomic write).

Behaviour follows Keras 2.2.4's ``keras/utils/data_utils.py`` (public names and signatures).
"""
import concurrent.futures
import itertools
import multiprocessing
import os
import queue
import random
import tempfile
import threading
import warnings
from urllib.request import urlopen

import numpy as np

from ._get_file import _extract_archive, _hash_file, get_file, validate_file  # noqa: F401

_POLL_S = 0.05
_END = object()
_URL_BLOCK = 8192


def urlretrieve(url, filename, reporthook=None, data=None):
    """Download ``url`` into the file ``filename`` (Keras 2.2.4's ``data_utils.urlretrieve``).

    Keras 2.2.4 used :func:`urllib.request.urlretrieve` on Python 3; this keeps its calling
    convention (``reporthook(block_count, block_size, total_size)`` once when the connection is
    made and after each block, ``total_size`` -1 when the server sends no length;
    ``urllib.error.ContentTooShortError`` when fewer bytes arrive than announced; the return value
    ``(filename, headers)``) and writes atomically: the bytes go to a temporary file next to
    ``filename`` that replaces it only once the download is complete, so a failed download leaves
    no partial file and an existing ``filename`` untouched.

    Args:
        url: the URL (``http(s)://``, ``ftp://``, ``file://``).
        filename: where to store the data.
        reporthook: optional progress callback, see above.
        data: optional bytes sent as the body of a POST request (as ``urlopen``'s ``data``).

    Returns:
        ``(filename, headers)``: the path written and the response's headers.

    Raises:
        urllib.error.URLError / HTTPError: the URL cannot be fetched (urllib's errors, as Keras).
        urllib.error.ContentTooShortError: the download ended early.

    Example:
        >>> urlretrieve('https://example.com/data.csv', 'data.csv')  # doctest: +SKIP
    """
    from urllib.error import ContentTooShortError
    if not isinstance(filename, (str, bytes, os.PathLike)) or not os.fspath(filename):
        raise TypeError("urlretrieve: `filename` must be a path to write the download to. "
                        "Received: filename=%r" % (filename,))
    if reporthook is not None and not callable(reporthook):
        raise TypeError("urlretrieve: `reporthook` must be None or a function "
                        "(block_count, block_size, total_size). Received: reporthook=%r"
                        % (reporthook,))
    filename = os.fspath(filename)
    folder = os.path.dirname(os.path.abspath(filename))
    with urlopen(url, data) as response:
        headers = response.info()
        length = headers.get("Content-Length")
        total = int(length) if length is not None and length.strip().isdigit() else -1
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(filename) + ".", suffix=".part",
                                   dir=folder)
        try:
            received = 0
            blocks = 0
            with os.fdopen(fd, "wb") as out:
                if reporthook is not None:
                    reporthook(blocks, _URL_BLOCK, total)
                while True:
                    chunk = response.read(_URL_BLOCK)
                    if not chunk:
                        break
                    out.write(chunk)
                    received += len(chunk)
                    blocks += 1
                    if reporthook is not None:
                        reporthook(blocks, _URL_BLOCK, total)
            if 0 <= total and received < total:
                raise ContentTooShortError("urlretrieve: the download of %s ended after %d of %d "
                                           "bytes; nothing was written to %s."
                                           % (url, received, total, filename), (filename, headers))
            os.replace(tmp, filename)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
    return filename, headers


class Sequence(object):
    """Base class for a dataset that hands out whole batches by index.

    Implement ``__getitem__`` (batch number ``index``) and ``__len__`` (number of batches); implement
    ``on_epoch_end`` to change the data between epochs. Unlike a generator, a Sequence is safe with
    several worker processes: every batch is produced exactly once per epoch.

    Example:
        >>> class ArraySequence(Sequence):
        ...     def __init__(self, x, y, batch_size):
        ...         self.x, self.y, self.batch_size = x, y, batch_size
        ...     def __len__(self):
        ...         return int(np.ceil(len(self.x) / float(self.batch_size)))
        ...     def __getitem__(self, idx):
        ...         s = slice(idx * self.batch_size, (idx + 1) * self.batch_size)
        ...         return self.x[s], self.y[s]
        >>> model.fit_generator(ArraySequence(x, y, 32), epochs=3, workers=2)
    """

    def __getitem__(self, index):
        """The batch at position ``index``."""
        raise NotImplementedError("%s must implement __getitem__(index) returning one batch."
                                  % (type(self).__name__,))

    def __len__(self):
        """The number of batches."""
        raise NotImplementedError("%s must implement __len__() returning the number of batches."
                                  % (type(self).__name__,))

    def on_epoch_end(self):
        """Called between epochs (override to reshuffle or change the data)."""

    def __iter__(self):
        """Every batch once, in order."""
        for index in range(len(self)):
            yield self[index]


def _pass_order(sequence, shuffle):
    """Batch indices of one pass over ``sequence`` (shuffled with Python's ``random``, as Keras)."""
    order = list(range(len(sequence)))
    if not order:
        raise ValueError("The Sequence %r is empty: len() returned 0. A Sequence must hold at least "
                         "one batch." % (sequence,))
    if shuffle:
        random.shuffle(order)
    return order


def _iter_sequence(sequence, shuffle=False):
    """Endless batches of ``sequence`` in the calling thread (``workers=0``).

    Each pass follows :func:`OrderedEnqueuer`'s rules: shuffled when asked, and ``on_epoch_end()``
    called before the next pass starts.

    Args:
        sequence: a :class:`Sequence`.
        shuffle: shuffle the batch order of every pass.
    """
    while True:
        for index in _pass_order(sequence, shuffle):
            yield sequence[index]
        sequence.on_epoch_end()


# ------------------------------------------------------------------ worker-process side
# Keras 2.2.4's registry of the Sequences / generators that worker processes read, by uid. Each
# pool's initializer (init_pool / init_pool_generator) fills it in the worker with the one source of
# its enqueuer; tasks are get_index(uid, i) and next_sample(uid).
_SHARED_SEQUENCES = {}
_SEQUENCE_COUNTER = itertools.count()


def init_pool(seqs):
    """Worker-pool initializer: make ``seqs`` (``{uid: Sequence}``) this process's registry.

    Args:
        seqs: dict from uid to :class:`Sequence`, read by :func:`get_index`.

    Example:
        >>> init_pool({0: [10, 20, 30]})
        >>> get_index(0, 2)
        30
    """
    global _SHARED_SEQUENCES
    _SHARED_SEQUENCES = seqs


def get_index(uid, i):
    """Item ``i`` of the Sequence registered under ``uid`` in this process (see :func:`init_pool`).

    Args:
        uid: the Sequence's identifier (an enqueuer's ``uid``).
        i: index of the batch.

    Returns:
        ``sequence[i]``.

    Example:
        >>> init_pool({3: my_sequence})  # doctest: +SKIP
        >>> x, y = get_index(3, 0)       # doctest: +SKIP
    """
    return _registered(uid)[i]


def init_pool_generator(gens, random_seed=None):
    """Worker-pool initializer for generators: registry ``gens`` and, optionally, a NumPy seed.

    Args:
        gens: dict from uid to generator, read by :func:`next_sample`.
        random_seed: when not None, NumPy's global generator is seeded with ``random_seed`` plus
            this process's id (modulo 2**32), so worker processes draw different numbers.

    Example:
        >>> init_pool_generator({0: iter([1, 2])})
        >>> next_sample(0)
        1
    """
    global _SHARED_SEQUENCES
    _SHARED_SEQUENCES = gens
    if random_seed is not None:
        np.random.seed((random_seed + multiprocessing.current_process().ident) % (2 ** 32))


def next_sample(uid):
    """The next item of the generator registered under ``uid`` (see :func:`init_pool_generator`).

    Args:
        uid: the generator's identifier (an enqueuer's ``uid``).

    Returns:
        ``next(generator)``; StopIteration when it is exhausted.

    Example:
        >>> init_pool_generator({7: iter('ab')})
        >>> next_sample(7), next_sample(7)
        ('a', 'b')
    """
    return next(_registered(uid))


def _registered(uid):
    try:
        return _SHARED_SEQUENCES[uid]
    except KeyError:
        raise KeyError("No Sequence or generator is registered under uid %r in this process "
                       "(registered uids: %s). Worker pools register theirs with init_pool / "
                       "init_pool_generator({uid: source})." % (uid, sorted(_SHARED_SEQUENCES)))


def _process_context(source):
    """``fork`` where the platform has it; otherwise the default method, for picklable Sequences."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    if not isinstance(source, Sequence):
        raise ValueError("use_multiprocessing=True with a Python generator needs the 'fork' start "
                         "method, which this platform lacks (a generator cannot be sent to another "
                         "process). Use a keras.utils.Sequence, or use_multiprocessing=False.")
    return multiprocessing.get_context()


def _failed(exc):
    future = concurrent.futures.Future()
    future.set_exception(exc)
    return future


def _check_positive_int(what, name, value):
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError("%s: `%s` must be a positive integer. Received: %s=%r"
                         % (what, name, name, value))


class SequenceEnqueuer(object):
    """Base class of the enqueuers: workers fill a bounded queue that :meth:`get` empties.

    Args:
        sequence: a :class:`Sequence` or a generator (see the subclasses).
        use_multiprocessing: worker processes if True, worker threads otherwise.

    Example:
        >>> enqueuer = OrderedEnqueuer(my_sequence, use_multiprocessing=False)
        >>> enqueuer.start(workers=2, max_queue_size=10)
        >>> batches = enqueuer.get()
        >>> x, y = next(batches)
        >>> enqueuer.stop()
    """

    def __init__(self, sequence, use_multiprocessing=False):
        self.sequence = sequence
        self.use_multiprocessing = bool(use_multiprocessing)
        self.workers = 0
        self.queue = None
        self.stop_signal = None
        self._threads = []
        self.uid = next(_SEQUENCE_COUNTER)

    def is_running(self):
        """True between :meth:`start` and :meth:`stop`."""
        return self.stop_signal is not None and not self.stop_signal.is_set()

    def start(self, workers=1, max_queue_size=10):
        """Start the workers.

        Args:
            workers: number of worker threads or processes (at least 1).
            max_queue_size: batches prepared ahead of the consumer (at least 1).
        """
        name = type(self).__name__
        _check_positive_int("%s.start" % name, "workers", workers)
        _check_positive_int("%s.start" % name, "max_queue_size", max_queue_size)
        if self.is_running():
            raise RuntimeError("%s.start(): the enqueuer is already running; call stop() first."
                               % (name,))
        self.workers = int(workers)
        self.queue = queue.Queue(int(max_queue_size))
        self.stop_signal = threading.Event()
        self._threads = []
        for index, target in enumerate(self._thread_targets()):
            thread = threading.Thread(target=target, name="torkeras-%s-%d" % (name, index))
            thread.daemon = True
            thread.start()
            self._threads.append(thread)

    def _thread_targets(self):
        raise NotImplementedError

    def stop(self, timeout=None):
        """Stop the workers and wait for them (threads joined, processes shut down).

        Args:
            timeout: seconds to wait for each thread (None: as long as it takes).
        """
        if self.stop_signal is None:
            return
        self.stop_signal.set()
        self._drain()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = [t for t in self._threads if t.is_alive()]
        self._drain()

    def _drain(self):
        while True:
            try:
                item = self.queue.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, concurrent.futures.Future):
                item.cancel()

    def _put(self, item):
        """Put ``item`` unless stopped meanwhile; False when stopped."""
        while not self.stop_signal.is_set():
            try:
                self.queue.put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def _take(self):
        while True:
            try:
                return self.queue.get(timeout=_POLL_S)
            except queue.Empty:
                if self.stop_signal is None or self.stop_signal.is_set():
                    return _END
                if not any(t.is_alive() for t in self._threads):
                    try:
                        return self.queue.get_nowait()
                    except queue.Empty:
                        raise RuntimeError("%s: the worker threads ended without producing a batch."
                                           % (type(self).__name__,))

    def get(self):
        """Yield the batches as the workers produce them.

        Yields:
            Whatever the Sequence or generator produces: ``(x, y)`` or ``(x, y, sample_weight)``.

        Raises:
            The exception the Sequence or generator raised (the enqueuer is stopped first).
        """
        if self.stop_signal is None:
            raise RuntimeError("%s.get(): call start() first." % (type(self).__name__,))
        while True:
            item = self._take()
            if item is _END:
                return
            try:
                value = item.result()
            except StopIteration:
                return
            except BaseException:
                self.stop()
                raise
            yield value
            self.queue.task_done()


class OrderedEnqueuer(SequenceEnqueuer):
    """Run a :class:`Sequence` in workers and hand its batches over in order.

    Args:
        sequence: a :class:`Sequence`.
        use_multiprocessing: worker processes if True (the pool is forked again for every pass, so
            workers see what ``on_epoch_end`` changed), worker threads otherwise.
        shuffle: shuffle the batch order of every pass.

    Example:
        >>> enqueuer = OrderedEnqueuer(my_sequence, shuffle=True)
        >>> enqueuer.start(workers=2)
        >>> first = next(enqueuer.get())
        >>> enqueuer.stop()
    """

    def __init__(self, sequence, use_multiprocessing=False, shuffle=False):
        super(OrderedEnqueuer, self).__init__(sequence, use_multiprocessing)
        self.shuffle = shuffle

    def _thread_targets(self):
        return [self._run]

    def _executor(self):
        if self.use_multiprocessing:
            return concurrent.futures.ProcessPoolExecutor(
                self.workers, mp_context=_process_context(self.sequence), initializer=init_pool,
                initargs=({self.uid: self.sequence},))
        return concurrent.futures.ThreadPoolExecutor(self.workers,
                                                     thread_name_prefix="torkeras-Sequence-worker")

    def _submit(self, executor, index):
        if self.use_multiprocessing:
            return executor.submit(get_index, self.uid, index)
        return executor.submit(self.sequence.__getitem__, index)

    def _wait_consumed(self):
        """Until the consumer asks for the batch after the last one of this pass (or stop)."""
        with self.queue.all_tasks_done:
            while self.queue.unfinished_tasks and not self.stop_signal.is_set():
                self.queue.all_tasks_done.wait(_POLL_S)

    def _run(self):
        try:
            while not self.stop_signal.is_set():
                order = _pass_order(self.sequence, self.shuffle)
                executor = self._executor()
                try:
                    for index in order:
                        if not self._put(self._submit(executor, index)):
                            return
                    self._wait_consumed()
                finally:
                    executor.shutdown(wait=True, cancel_futures=True)
                if self.stop_signal.is_set():
                    return
                self.sequence.on_epoch_end()
        except Exception as exc:  # handed to the consumer, which raises it
            self._put(_failed(exc))


class GeneratorEnqueuer(SequenceEnqueuer):
    """Run a Python generator (or any iterator) in workers and hand its batches over.

    Args:
        sequence: the generator. A finite generator ends the stream when it is exhausted.
        use_multiprocessing: worker processes if True (each runs its own copy of the generator, so
            data may repeat; prefer a :class:`Sequence`), worker threads otherwise (``next()``
            calls are serialized: any generator works and keeps its order).
        wait_time: unused since Keras 2.2.4 (a ``DeprecationWarning`` says so).
        random_seed: when set, each worker process seeds NumPy with ``random_seed`` plus its pid.

    Example:
        >>> enqueuer = GeneratorEnqueuer(my_generator())
        >>> enqueuer.start(workers=1, max_queue_size=10)
        >>> x, y = next(enqueuer.get())
        >>> enqueuer.stop()
    """

    def __init__(self, sequence, use_multiprocessing=False, wait_time=None, random_seed=None):
        super(GeneratorEnqueuer, self).__init__(sequence, use_multiprocessing)
        self.random_seed = random_seed
        if wait_time is not None:
            warnings.warn("GeneratorEnqueuer: `wait_time` is not used anymore.", DeprecationWarning,
                          stacklevel=2)
        self._next_lock = threading.Lock()
        self._ended = False

    def _thread_targets(self):
        self._ended = False
        if self.use_multiprocessing:
            _process_context(self.sequence)
            return [self._run_processes]
        return [self._run_thread] * self.workers

    def _run_thread(self):
        while not self.stop_signal.is_set():
            with self._next_lock:
                if self._ended or self.stop_signal.is_set():
                    return
                item = concurrent.futures.Future()
                try:
                    item.set_result(next(self.sequence))
                except StopIteration:
                    self._ended = True
                    self._put(_END)
                    return
                except Exception as exc:  # handed to the consumer, which raises it
                    self._ended = True
                    if "generator already executing" in str(exc):
                        clash = RuntimeError("The generator is being iterated somewhere else at the "
                                             "same time (e.g. it is both the training and the "
                                             "validation data). Give each its own generator.")
                        clash.__cause__ = exc
                        exc = clash
                    item.set_exception(exc)
                if not self._put(item):
                    return

    def _run_processes(self):
        executor = None
        try:
            executor = concurrent.futures.ProcessPoolExecutor(
                self.workers, mp_context=_process_context(self.sequence),
                initializer=init_pool_generator,
                initargs=({self.uid: self.sequence}, self.random_seed))
            while not self.stop_signal.is_set():
                if not self._put(executor.submit(next_sample, self.uid)):
                    return
        except Exception as exc:  # handed to the consumer, which raises it
            self._put(_failed(exc))
        finally:
            if executor is not None:
                executor.shutdown(wait=True, cancel_futures=True)
