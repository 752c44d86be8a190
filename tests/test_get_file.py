"""get_file: cache location, hashes, atomic download over a local HTTP server, extraction, offline."""
import hashlib
import http.server
import io
import os
import socket
import tarfile
import zipfile

import pytest

from torkeras.utils._get_file import DownloadError, _extract_archive, _hash_file, get_file, validate_file

PAYLOAD = b"torkeras get_file payload\n" * 700  # ~18 kB: several 8 kB chunks


class _Handler(http.server.BaseHTTPRequestHandler):
    routes = {}  # path -> (status, body, announced length or None)
    hits = []

    def do_GET(self):  # noqa: N802 (http.server API)
        self.hits.append(self.path)
        status, body, length = self.routes.get(self.path, (404, b"not found", None))
        self.send_response(status)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        return None


HTTP_HANDLER = _Handler


@pytest.fixture(scope="module")
def server(local_http_server):
    return local_http_server


@pytest.fixture(autouse=True)
def routes():
    _Handler.routes.clear()
    del _Handler.hits[:]
    _Handler.routes["/data.bin"] = (200, PAYLOAD, None)
    yield _Handler.routes


def _closed_port_url(name="data.bin"):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return "http://127.0.0.1:%d/%s" % (port, name)


def _leftovers(folder):
    return [f for f in os.listdir(folder) if f.startswith(".")]


def test_download_into_cache_dir_with_progress(server, tmp_path, capsys):
    path = get_file("data.bin", server + "/data.bin", cache_dir=str(tmp_path))
    assert path == os.path.join(str(tmp_path), "datasets", "data.bin")
    assert open(path, "rb").read() == PAYLOAD
    out = capsys.readouterr().out
    assert "Downloading data from %s/data.bin" % server in out
    assert "%d/%d" % (len(PAYLOAD), len(PAYLOAD)) in out  # the Keras Progbar reached the total
    # second call: cached, no request
    del _Handler.hits[:]
    assert get_file("data.bin", server + "/data.bin", cache_dir=str(tmp_path)) == path
    assert _Handler.hits == []


def test_keras_home_and_home_dir(tmp_path, monkeypatch):
    src = tmp_path / "src.bin"
    src.write_bytes(PAYLOAD)
    origin = src.as_uri()
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "kh"))
    assert get_file("a.bin", origin) == str(tmp_path / "kh" / "datasets" / "a.bin")
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    path = get_file("b.bin", origin, cache_subdir="models")
    assert path == str(tmp_path / "home" / ".keras" / "models" / "b.bin")
    absolute = str(tmp_path / "elsewhere" / "c.bin")
    os.makedirs(os.path.dirname(absolute))
    assert get_file(absolute, origin) == absolute  # an absolute fname is used as is
    assert open(absolute, "rb").read() == PAYLOAD


def test_unwritable_cache_dir_falls_back_to_tmp_keras(tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_bytes(b"")
    src = tmp_path / "src.bin"
    src.write_bytes(PAYLOAD)
    name = "torkeras-test-%d.bin" % os.getpid()
    expected = os.path.join("/tmp", ".keras", "datasets", name)
    try:
        path = get_file(name, src.as_uri(), cache_dir=str(blocker / "cache"))
        assert path == expected
        assert open(path, "rb").read() == PAYLOAD
    finally:
        if os.path.exists(expected):
            os.remove(expected)


@pytest.mark.parametrize("algo", ["sha256", "md5"])
def test_hash_mismatch_redownloads(server, tmp_path, capsys, algo):
    good = hashlib.new(algo, PAYLOAD).hexdigest()
    cached = tmp_path / "datasets" / "data.bin"
    cached.parent.mkdir()
    cached.write_bytes(b"stale")
    path = get_file("data.bin", server + "/data.bin", file_hash=good, cache_dir=str(tmp_path))
    assert open(path, "rb").read() == PAYLOAD
    out = capsys.readouterr().out
    assert ("A local file was found, but it seems to be incomplete or outdated because the %s file "
            "hash does not match the original value of %s so we will re-download the data." % (algo, good)
            ) in out
    # a matching cached file is not fetched again
    del _Handler.hits[:]
    get_file("data.bin", server + "/data.bin", file_hash=good, cache_dir=str(tmp_path))
    assert _Handler.hits == []


def test_md5_hash_argument_and_explicit_algorithm(server, tmp_path):
    md5 = hashlib.md5(PAYLOAD).hexdigest()
    path = get_file("data.bin", server + "/data.bin", md5_hash=md5, cache_dir=str(tmp_path))
    assert validate_file(path, md5) and validate_file(path, md5.upper())
    sha = hashlib.sha256(PAYLOAD).hexdigest()
    assert validate_file(path, sha) and validate_file(path, sha, algorithm="sha256")
    assert not validate_file(path, sha, algorithm="md5")
    assert _hash_file(path) == sha and _hash_file(path, "md5") == md5
    with pytest.raises(ValueError, match="'auto' needs an expected hash"):
        _hash_file(path, "auto")
    with pytest.raises(ValueError, match="hash_algorithm.*sha1"):
        get_file("data.bin", server + "/data.bin", file_hash=sha, hash_algorithm="sha1",
                 cache_dir=str(tmp_path))


def test_wrong_hash_download_leaves_nothing(server, tmp_path):
    with pytest.raises(DownloadError, match="does not match the expected sha256 hash"):
        get_file("data.bin", server + "/data.bin", file_hash="0" * 64, cache_dir=str(tmp_path))
    folder = tmp_path / "datasets"
    assert os.listdir(str(folder)) == []


def test_http_error_and_truncated_download_leave_nothing(server, tmp_path, routes):
    folder = tmp_path / "datasets"
    with pytest.raises(DownloadError, match="URL fetch failure on %s/missing.bin: 404" % server):
        get_file("missing.bin", server + "/missing.bin", cache_dir=str(tmp_path))
    routes["/short.bin"] = (200, PAYLOAD[:100], len(PAYLOAD))
    with pytest.raises(DownloadError, match="short.bin"):
        get_file("short.bin", server + "/short.bin", cache_dir=str(tmp_path))
    assert os.listdir(str(folder)) == []


def test_offline_error_names_file_url_and_destination(tmp_path):
    url = _closed_port_url("mnist.npz")
    with pytest.raises(DownloadError) as info:
        get_file("mnist.npz", url, file_hash="8" * 32, cache_dir=str(tmp_path))
    msg = str(info.value)
    dest = os.path.join(str(tmp_path), "datasets", "mnist.npz")
    assert "URL fetch failure on %s" % url in msg
    assert "'mnist.npz'" in msg and "put it at %s" % dest in msg and "md5 hash must be " + "8" * 32 in msg
    assert isinstance(info.value, OSError)
    assert os.listdir(os.path.dirname(dest)) == []


def _tar_bytes(members):
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w:gz") as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buf.getvalue()


def _zip_bytes(members):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in members:
            z.writestr(name, data)
    return buf.getvalue()


def test_untar_and_extract(server, tmp_path, routes):
    routes["/pack.tar.gz"] = (200, _tar_bytes([("pack/a.txt", b"A"), ("pack/sub/b.txt", b"B")]), None)
    path = get_file("pack", server + "/pack.tar.gz", untar=True, cache_dir=str(tmp_path))
    assert path == os.path.join(str(tmp_path), "datasets", "pack")
    assert open(os.path.join(path, "sub", "b.txt"), "rb").read() == b"B"
    assert os.path.exists(path + ".tar.gz")
    # folder exists: not extracted again
    os.remove(os.path.join(path, "a.txt"))
    get_file("pack", server + "/pack.tar.gz", untar=True, cache_dir=str(tmp_path))
    assert not os.path.exists(os.path.join(path, "a.txt"))

    routes["/z.zip"] = (200, _zip_bytes([("zdir/c.txt", b"C")]), None)
    fpath = get_file("z.zip", server + "/z.zip", extract=True, cache_dir=str(tmp_path))
    assert fpath.endswith("z.zip")
    assert open(os.path.join(str(tmp_path), "datasets", "zdir", "c.txt"), "rb").read() == b"C"
    assert _leftovers(os.path.join(str(tmp_path), "datasets")) == []


def test_archive_format_selection(tmp_path):
    tar_path = tmp_path / "t.tar.gz"
    tar_path.write_bytes(_tar_bytes([("t/x.txt", b"X")]))
    out = tmp_path / "out"
    assert _extract_archive(str(tar_path), str(out), archive_format=None) is False
    assert _extract_archive(str(tar_path), str(out), archive_format="zip") is False
    assert not out.exists() or not (out / "t").exists()
    assert _extract_archive(str(tar_path), str(out), archive_format=["zip", "tar"]) is True
    assert (out / "t" / "x.txt").read_bytes() == b"X"
    with pytest.raises(ValueError, match="archive_format"):
        _extract_archive(str(tar_path), str(out), archive_format="rar")


def _symlink_tar(path, target):
    with tarfile.open(path, "w") as tar:
        info = tarfile.TarInfo("link")
        info.type = tarfile.SYMTYPE
        info.linkname = target
        tar.addfile(info)


def test_unsafe_archives_are_refused(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    evil = tmp_path / "evil.tar.gz"
    evil.write_bytes(_tar_bytes([("ok.txt", b"fine"), ("../escaped.txt", b"bad")]))
    with pytest.raises(ValueError, match=r"Refusing to extract '\.\./escaped\.txt'"):
        _extract_archive(str(evil), str(out))
    absolute = tmp_path / "abs.tar.gz"
    absolute.write_bytes(_tar_bytes([("/tmp/torkeras-abs-%d.txt" % os.getpid(), b"bad")]))
    with pytest.raises(ValueError, match="leaves the target folder"):
        _extract_archive(str(absolute), str(out))
    link = tmp_path / "link.tar"
    _symlink_tar(str(link), "/etc/passwd")
    with pytest.raises(ValueError, match="symbolic link"):
        _extract_archive(str(link), str(out))
    zevil = tmp_path / "evil.zip"
    zevil.write_bytes(_zip_bytes([("../zescaped.txt", b"bad")]))
    with pytest.raises(ValueError, match="zescaped"):
        _extract_archive(str(zevil), str(out))
    # nothing was written, neither inside nor outside the target
    assert os.listdir(str(out)) == []
    assert not (tmp_path / "escaped.txt").exists() and not (tmp_path / "zescaped.txt").exists()
    assert not os.path.exists("/tmp/torkeras-abs-%d.txt" % os.getpid())


def test_bad_arguments(tmp_path):
    with pytest.raises(TypeError, match="origin"):
        get_file("x", None, cache_dir=str(tmp_path))
    with pytest.raises(TypeError, match="fname"):
        get_file("", "http://example.invalid/x", cache_dir=str(tmp_path))
    with pytest.raises(ValueError, match="archive_format"):
        get_file("x", "http://example.invalid/x", extract=True, archive_format="7z",
                 cache_dir=str(tmp_path))

