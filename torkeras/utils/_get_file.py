"""Download-and-cache of data files: ``keras.utils.get_file`` (Keras 2.2.4 utils/data_utils.py).

Behaviour follows Keras 2.2.4 (cache layout, hash rules, messages) with these deliberate changes,
each of which only affects cases where Keras left a broken state behind:

* Downloads are atomic: bytes go to a temporary file next to the target and are renamed into place
  once complete (and, when a hash is given, verified), so a failed or interrupted download leaves
  nothing partial. Keras 2.2.4 wrote straight into the target and kept a corrupt download.
* Archives are extracted into a temporary folder first and moved into place; members that would land
  outside the target folder (absolute names, ``..``, links pointing out, devices) are refused.
  Keras 2.2.4 extracted everything and deleted the *whole* cache folder on an error.
* A download that does not match the given hash is an error (as in tf-keras 2.x); Keras 2.2.4 kept it.
* ``KERAS_HOME`` is honoured when ``cache_dir`` is None (Keras 2.2.4 read it for ``keras.json``
  only; Keras 2.3 extended it to ``get_file``).
* Keras created ``~/.keras`` on import; importing torkeras writes nothing, so ``get_file`` creates
  the cache folder itself and falls back to ``/tmp/.keras`` only when it cannot.
"""
import hashlib
import os
import shutil
import tarfile
import tempfile
import zipfile
from http.client import HTTPException
from urllib.error import HTTPError, URLError
from urllib.request import urlopen

from ..errors import DownloadError  # noqa: F401  (re-exported: torkeras.utils._get_file.DownloadError)
from ._progbar import Progbar

_CHUNK = 8192
_HASH_ALGORITHMS = ("auto", "sha256", "md5")
_ARCHIVE_TYPES = ("tar", "zip")


def _keras_home():
    """Keras's base folder: ``$KERAS_HOME`` or ``~/.keras``."""
    if "KERAS_HOME" in os.environ:
        return os.environ.get("KERAS_HOME")
    return os.path.join(os.path.expanduser("~"), ".keras")


def _writable_dir(base):
    """``base`` when it is (or can be made) a writable folder, else Keras's ``/tmp/.keras``."""
    base = os.path.expanduser(base)
    try:
        os.makedirs(base, exist_ok=True)
    except OSError:
        return os.path.join("/tmp", ".keras")
    if not os.access(base, os.W_OK):
        return os.path.join("/tmp", ".keras")
    return base


def _hasher_name(algorithm, file_hash):
    if algorithm not in _HASH_ALGORITHMS:
        raise ValueError("`hash_algorithm` must be one of %s. Received: hash_algorithm=%r"
                         % (", ".join(repr(a) for a in _HASH_ALGORITHMS), algorithm))
    if algorithm == "auto":
        return "sha256" if len(str(file_hash)) == 64 else "md5"
    return algorithm


def _hash_file(fpath, algorithm="sha256", chunk_size=65535):
    """Compute the sha256 or md5 hex digest of a file.

    Args:
        fpath: path to the file.
        algorithm: ``'sha256'`` or ``'md5'``. (``'auto'`` picks by the length of an expected hash,
            which this function does not have: use :func:`validate_file` for that.)
        chunk_size: bytes read at a time.

    Returns:
        The lower-case hex digest.

    Example:
        >>> _hash_file('/path/to/file.zip')  # doctest: +SKIP
        'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    if algorithm == "sha256":
        hasher = hashlib.sha256()
    elif algorithm == "md5":
        hasher = hashlib.md5()
    else:
        raise ValueError("_hash_file: `algorithm` must be 'sha256' or 'md5' ('auto' needs an expected "
                         "hash to look at; use validate_file(fpath, file_hash)). Received: "
                         "algorithm=%r" % (algorithm,))
    with open(fpath, "rb") as f:
        for chunk in iter(lambda: f.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    """Check a file against a sha256 or md5 hash.

    Args:
        fpath: path to the file.
        file_hash: the expected hex digest (sha256 or md5).
        algorithm: ``'auto'`` (sha256 for a 64-character hash, else md5), ``'sha256'`` or ``'md5'``.
        chunk_size: bytes read at a time.

    Returns:
        True when the file's hash equals ``file_hash`` (case-insensitive), else False.

    Example:
        >>> validate_file('mnist.npz', '8a61469f7ea1b51cbae51d4f78837e45')  # doctest: +SKIP
        True
    """
    hasher = _hasher_name(algorithm, file_hash)
    return _hash_file(fpath, hasher, chunk_size) == str(file_hash).strip().lower()


# ------------------------------------------------------------------------------------ extraction
def _inside(root, name):
    target = os.path.realpath(os.path.join(root, name))
    return target == root or target.startswith(root + os.sep)


def _check_tar_members(archive, root, file_path):
    for member in archive.getmembers():
        problem = None
        if os.path.isabs(member.name) or not _inside(root, member.name):
            problem = "its path leaves the target folder"
        elif member.issym():
            link = os.path.join(os.path.dirname(member.name), member.linkname)
            if os.path.isabs(member.linkname) or not _inside(root, link):
                problem = "it is a symbolic link to %r, outside the target folder" % (member.linkname,)
        elif member.islnk():
            if os.path.isabs(member.linkname) or not _inside(root, member.linkname):
                problem = "it is a hard link to %r, outside the target folder" % (member.linkname,)
        elif not (member.isfile() or member.isdir()):
            problem = "it is a device, FIFO or other special file"
        if problem:
            raise ValueError("Refusing to extract %r from archive %r: %s. The archive is not safe to "
                             "unpack; check where it came from." % (member.name, file_path, problem))


def _check_zip_members(archive, root, file_path):
    for name in archive.namelist():
        if os.path.isabs(name) or name.startswith(("/", "\\")) or not _inside(root, name):
            raise ValueError("Refusing to extract %r from archive %r: its path leaves the target "
                             "folder. The archive is not safe to unpack; check where it came from."
                             % (name, file_path))


def _move_into(src, dst):
    """Move ``src`` to ``dst``; folders are merged entry by entry (files replaced atomically)."""
    if os.path.isdir(src) and not os.path.islink(src) and os.path.isdir(dst):
        for entry in os.listdir(src):
            _move_into(os.path.join(src, entry), os.path.join(dst, entry))
    else:
        if os.path.isdir(dst) and not os.path.islink(dst):
            shutil.rmtree(dst)
        os.replace(src, dst)


def _archive_types(archive_format):
    if archive_format is None:
        return []
    if archive_format == "auto":
        return list(_ARCHIVE_TYPES)
    if isinstance(archive_format, str):
        archive_format = [archive_format]
    types = list(archive_format)
    bad = [t for t in types if t not in _ARCHIVE_TYPES]
    if bad:
        raise ValueError("`archive_format` must be 'auto', 'tar', 'zip', None or a list of 'tar'/'zip'. "
                         "Received: archive_format=%r" % (archive_format,))
    return types


def _extract_archive(file_path, path=".", archive_format="auto"):
    """Extract a tar (plain, gz, bz2, xz) or zip archive into ``path``, safely.

    Members are checked first: anything that would be written outside ``path`` is refused with a
    ValueError and nothing is extracted. Extraction goes to a temporary folder inside ``path`` that
    is moved into place when complete.

    Args:
        file_path: the archive.
        path: destination folder.
        archive_format: ``'auto'`` (= ``['tar', 'zip']``), ``'tar'``, ``'zip'``, a list of those, or
            None / ``[]`` (extract nothing).

    Returns:
        True when the file matched one of the formats and was extracted, else False.

    Example:
        >>> _extract_archive('data.tar.gz', '/tmp/data')  # doctest: +SKIP
        True
    """
    for kind in _archive_types(archive_format):
        if kind == "tar":
            if not tarfile.is_tarfile(file_path):
                continue
            opener, checker = tarfile.open, _check_tar_members
        else:
            if not zipfile.is_zipfile(file_path):
                continue
            opener, checker = zipfile.ZipFile, _check_zip_members
        os.makedirs(path, exist_ok=True)
        staging = tempfile.mkdtemp(prefix=".extract-", dir=path)
        try:
            root = os.path.realpath(staging)
            with opener(file_path) as archive:
                checker(archive, root, file_path)
                if kind == "tar" and hasattr(tarfile, "data_filter"):
                    archive.extractall(staging, filter="data")
                else:
                    archive.extractall(staging)
            for entry in os.listdir(staging):
                _move_into(os.path.join(staging, entry), os.path.join(path, entry))
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return True
    return False


# -------------------------------------------------------------------------------------- download
def _fetch(origin, out, offline_hint):
    """Stream ``origin`` into the open file ``out`` with a Keras progress bar."""
    try:
        response = urlopen(origin)
    except HTTPError as e:
        raise DownloadError("URL fetch failure on %s: %s -- %s. %s" % (origin, e.code, e.msg, offline_hint))
    except URLError as e:
        raise DownloadError("URL fetch failure on %s: %s -- %s. %s"
                            % (origin, e.errno, e.reason, offline_hint))
    with response:
        length = response.headers.get("Content-Length")
        total = int(length.strip()) if length and length.strip().isdigit() else None
        progbar = Progbar(total)
        done = 0
        try:
            while True:
                chunk = response.read(_CHUNK)
                if not chunk:
                    break
                out.write(chunk)
                done += len(chunk)
                progbar.update(done)
        except (HTTPException, ConnectionError, TimeoutError) as e:
            raise DownloadError("Download from %s was interrupted after %d bytes (%s: %s). %s"
                                % (origin, done, type(e).__name__, e, offline_hint))
        if total is not None and done < total:
            raise DownloadError("Download from %s ended after %d of %d bytes. %s"
                                % (origin, done, total, offline_hint))
        if total is None:
            progbar.target = done
            progbar.update(done)


def _download(origin, fpath, file_hash, hasher, offline_hint):
    """Fetch ``origin`` into ``fpath`` atomically (temporary file, hash check, rename)."""
    print("Downloading data from", origin)
    folder = os.path.dirname(os.path.abspath(fpath))
    fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(fpath) + ".", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            _fetch(origin, out, offline_hint)
        if file_hash is not None and not validate_file(tmp, file_hash, algorithm=hasher):
            raise DownloadError("The file downloaded from %s does not match the expected %s hash %s "
                                "(got %s): the download is incomplete or corrupted, or the file at "
                                "the origin changed. Nothing was saved to %s."
                                % (origin, hasher, file_hash, _hash_file(tmp, hasher), fpath))
        os.replace(tmp, fpath)
    except BaseException:
        if os.path.exists(tmp):
            os.remove(tmp)
        raise


def get_file(fname, origin, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None):
    """Download a file from a URL unless it is already in the cache.

    The file lands in ``cache_dir/cache_subdir/fname``; ``cache_dir`` defaults to ``$KERAS_HOME``
    or ``~/.keras`` (``/tmp/.keras`` when that cannot be written), so ``example.txt`` becomes
    ``~/.keras/datasets/example.txt``. A cached file is checked against ``file_hash`` when one is
    given and downloaded again when it does not match. tar (gz, bz2) and zip archives can be
    extracted next to it.

    Args:
        fname: file name; an absolute path puts the file exactly there.
        origin: the file's URL (``http(s)://``, ``ftp://`` or ``file://``).
        untar: deprecated in favour of ``extract``: the file is ``fname + '.tar.gz'``, extracted
            into the cache folder; the returned path is ``cache_subdir/fname`` (the extracted
            folder). Extraction is skipped when that folder already exists.
        md5_hash: deprecated in favour of ``file_hash``: an md5 hex digest.
        file_hash: expected sha256 or md5 hex digest of the file.
        cache_subdir: folder under the cache dir; an absolute path is used as is.
        hash_algorithm: ``'auto'`` (sha256 for a 64-character hash, else md5), ``'sha256'``, ``'md5'``.
        extract: True extracts the file as an archive (see ``archive_format``).
        archive_format: ``'auto'`` (``['tar', 'zip']``), ``'tar'``, ``'zip'``, a list, or None.
        cache_dir: base cache folder; None means ``$KERAS_HOME`` or ``~/.keras``.

    Returns:
        The path of the file (for ``untar``: of the extracted folder).

    Raises:
        DownloadError: the file is not cached and could not be downloaded (the message names the
            URL and the path to put the file at by hand), or the download has the wrong hash.
        ValueError: a bad ``hash_algorithm`` / ``archive_format``, or an unsafe archive.

    Example:
        >>> path = get_file('mnist.npz', origin='https://s3.amazonaws.com/img-datasets/mnist.npz',
        ...                 file_hash='8a61469f7ea1b51cbae51d4f78837e45')  # doctest: +SKIP
    """
    if not isinstance(fname, (str, os.PathLike)) or not str(fname):
        raise TypeError("get_file: `fname` must be a non-empty file name or path. Received: fname=%r"
                        % (fname,))
    if not isinstance(origin, str) or not origin:
        raise TypeError("get_file: `origin` must be a URL string. Received: origin=%r" % (origin,))
    fname = os.fspath(fname)
    if md5_hash is not None and file_hash is None:
        file_hash = md5_hash
        hash_algorithm = "md5"
    hasher = _hasher_name(hash_algorithm, file_hash)
    _archive_types(archive_format)  # validate before any download
    datadir_base = _writable_dir(_keras_home() if cache_dir is None else cache_dir)
    datadir = os.path.join(datadir_base, cache_subdir)
    os.makedirs(datadir, exist_ok=True)

    if untar:
        untar_fpath = os.path.join(datadir, fname)
        fpath = untar_fpath + ".tar.gz"
    else:
        fpath = os.path.join(datadir, fname)

    download = True
    state = "no copy is cached at %s" % (fpath,)
    if os.path.exists(fpath):
        download = False
        if file_hash is not None and not validate_file(fpath, file_hash, algorithm=hasher):
            print("A local file was found, but it seems to be incomplete or outdated because the "
                  + hasher + " file hash does not match the original value of " + str(file_hash)
                  + " so we will re-download the data.")
            download = True
            state = "the copy cached at %s has the wrong %s hash" % (fpath, hasher)
    elif untar and os.path.isdir(untar_fpath):
        # The archive was deleted after extraction: the extracted folder is what callers need.
        return untar_fpath

    if download:
        where = fpath
        if untar:
            where = "%s (or extract it to %s)" % (fpath, untar_fpath)
        hint = ("torkeras needs %r and %s. If this machine is offline, download %s on another "
                "machine and put it at %s%s." % (os.path.basename(fpath), state, origin, where,
                                                 "" if file_hash is None else
                                                 " (its %s hash must be %s)" % (hasher, file_hash)))
        _download(origin, fpath, file_hash, hasher, hint)

    if untar:
        if not os.path.exists(untar_fpath):
            _extract_archive(fpath, datadir, archive_format="tar")
        return untar_fpath
    if extract:
        _extract_archive(fpath, datadir, archive_format)
    return fpath
