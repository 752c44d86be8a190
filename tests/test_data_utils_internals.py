"""``keras.utils.data_utils`` internals of Keras 2.2.4: the worker registry (``init_pool``,
``get_index``, ``init_pool_generator``, ``next_sample``) and ``urlretrieve``.

Downloads are served by a local ``http.server`` in a thread and by ``file://`` URLs (no internet).
"""
import concurrent.futures
import functools
import http.server
import multiprocessing
import os
import urllib.error

import numpy as np
import pytest

from torkeras.utils import data_utils
from torkeras.utils.data_utils import (GeneratorEnqueuer, OrderedEnqueuer, Sequence, get_index,
                                       init_pool, init_pool_generator, next_sample, urlretrieve)


@pytest.fixture(autouse=True)
def _clean_registry():
    saved = data_utils._SHARED_SEQUENCES
    yield
    data_utils._SHARED_SEQUENCES = saved


class _Squares(Sequence):
    def __init__(self, n):
        self.n = n

    def __len__(self):
        return self.n

    def __getitem__(self, i):
        return np.full((2,), i * i)


def test_init_pool_and_get_index():
    init_pool({4: _Squares(5), 9: ["a", "b"]})
    assert get_index(4, 3).tolist() == [9, 9]
    assert get_index(9, 1) == "b"
    init_pool({1: ["c"]})          # replaces the whole registry, as Keras's did
    with pytest.raises(KeyError, match="uid 4.*registered uids: \\[1\\]"):
        get_index(4, 0)


def test_init_pool_generator_and_next_sample():
    init_pool_generator({2: iter(range(3))})
    assert [next_sample(2) for _ in range(3)] == [0, 1, 2]
    with pytest.raises(StopIteration):
        next_sample(2)
    with pytest.raises(KeyError, match="uid 5"):
        next_sample(5)


def test_init_pool_generator_seeds_numpy_with_seed_plus_process_id():
    init_pool_generator({}, random_seed=11)
    first = np.random.rand(3)
    np.random.seed((11 + os.getpid()) % (2 ** 32))
    np.testing.assert_array_equal(first, np.random.rand(3))
    state = np.random.get_state()[1].copy()
    init_pool_generator({})          # no seed: NumPy's state untouched
    np.testing.assert_array_equal(np.random.get_state()[1], state)


def _worker_pid_and_batch(uid, i):
    return os.getpid(), get_index(uid, i).tolist()


@pytest.mark.skipif("fork" not in multiprocessing.get_all_start_methods(), reason="needs fork")
def test_registry_works_in_a_process_pool():
    ctx = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=ctx, initializer=init_pool,
                                                initargs=({7: _Squares(4)},)) as pool:
        pid, batch = pool.submit(_worker_pid_and_batch, 7, 3).result()
    assert pid != os.getpid() and batch == [9, 9]
    assert 7 not in data_utils._SHARED_SEQUENCES   # the parent's registry is untouched


def test_enqueuers_have_distinct_uids_and_feed_processes_through_the_registry():
    seq_enq = OrderedEnqueuer(_Squares(4), use_multiprocessing=True)
    gen_enq = GeneratorEnqueuer(iter([np.ones(1)] * 10), use_multiprocessing=True)
    assert seq_enq.uid != gen_enq.uid
    seq_enq.start(workers=1, max_queue_size=2)
    try:
        out = seq_enq.get()
        assert [next(out).tolist() for _ in range(4)] == [[0, 0], [1, 1], [4, 4], [9, 9]]
    finally:
        seq_enq.stop()
    if "fork" in multiprocessing.get_all_start_methods():
        gen_enq.start(workers=1, max_queue_size=2)
        try:
            assert next(gen_enq.get()).tolist() == [1.0]
        finally:
            gen_enq.stop()


# ----------------------------------------------------------------------------- urlretrieve
PAYLOAD = bytes(range(256)) * 97   # 24832 bytes: 4 blocks of 8192


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        if self.path == "/short":
            self.send_response(200)
            self.send_header("Content-Length", str(len(PAYLOAD) + 100))
            self.end_headers()
            self.wfile.write(PAYLOAD)
            return
        if self.path != "/data.bin":
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(PAYLOAD)))
        self.end_headers()
        self.wfile.write(PAYLOAD)

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[::-1])


HTTP_HANDLER = _Handler


@pytest.fixture(scope="module")
def server(local_http_server):
    return local_http_server


def test_urlretrieve_http_with_reporthook(server, tmp_path):
    calls = []
    target = str(tmp_path / "data.bin")
    path, headers = urlretrieve(server + "/data.bin", target,
                                reporthook=lambda *a: calls.append(a))
    assert path == target and headers["Content-Length"] == str(len(PAYLOAD))
    with open(target, "rb") as f:
        assert f.read() == PAYLOAD
    n = -(-len(PAYLOAD) // 8192)
    assert calls == [(i, 8192, len(PAYLOAD)) for i in range(n + 1)]
    assert os.listdir(str(tmp_path)) == ["data.bin"]


def test_urlretrieve_posts_data(server, tmp_path):
    target = tmp_path / "echo.bin"
    urlretrieve(server + "/echo", target, data=b"abc")
    assert target.read_bytes() == b"cba"


def test_urlretrieve_file_url(tmp_path):
    src = tmp_path / "src.bin"
    src.write_bytes(PAYLOAD[:1000])
    calls = []
    urlretrieve(src.as_uri(), str(tmp_path / "copy.bin"), functools.partial(
        lambda store, *a: store.append(a), calls))
    assert (tmp_path / "copy.bin").read_bytes() == PAYLOAD[:1000]
    assert calls == [(0, 8192, 1000), (1, 8192, 1000)]


def test_urlretrieve_failures_leave_nothing_behind(server, tmp_path):
    target = tmp_path / "keep.bin"
    target.write_bytes(b"old")
    with pytest.raises(urllib.error.ContentTooShortError, match="24832 of 24932"):
        urlretrieve(server + "/short", str(target))
    with pytest.raises(urllib.error.HTTPError) as err:
        urlretrieve(server + "/missing", str(target))
    assert err.value.code == 404
    assert target.read_bytes() == b"old"
    assert sorted(os.listdir(str(tmp_path))) == ["keep.bin"]


def test_urlretrieve_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="filename"):
        urlretrieve("file:///nothing", None)
    with pytest.raises(TypeError, match="reporthook"):
        urlretrieve("file:///nothing", str(tmp_path / "x"), reporthook=5)
