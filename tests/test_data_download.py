"""d2l_utils/data/download.py: downloads from a local HTTP server on 127.0.0.1."""

import errno
import gzip
import http.server
import os
import re
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time

import numpy as np
import pytest
from helpers import fails_at_close

from d2l_utils.data import DataError, download, find_dataset, load_fashion_mnist_arrays
from d2l_utils.data.download import DownloadFailed, download_missing, mirror_list
from d2l_utils.data.sources import FASHION_MNIST, MNIST

NAMES = [f.name + ".gz" for f in FASHION_MNIST.files]


def closed_port_url():
    """A URL on 127.0.0.1 where nothing listens (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


def listing(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_download_into_the_cache_then_no_more_network(tiny_fashion_gz, data_env, http_mirror):
    t = tiny_fashion_gz
    data_env.allow_network()
    url = http_mirror(t.files)
    loc = find_dataset(mirrors=[url], progress=False)
    assert (loc.kind, loc.folder) == ("download", str(t.cache))
    assert listing(t.cache) == sorted(NAMES)  # nothing else: no temporary files
    assert data_env.calls == [url + n for n in NAMES]
    for got, expected in zip(load_fashion_mnist_arrays(), t.arrays, strict=True):
        np.testing.assert_array_equal(got, expected)
    assert find_dataset(mirrors=[url]).kind == "cache" and len(data_env.calls) == 4


def test_corrupt_file_from_the_server_leaves_nothing(tiny_fashion_gz, data_env, http_mirror,
                                                    tmp_path):
    t = tiny_fashion_gz
    bad = shutil.copytree(t.files, tmp_path / "bad")
    last = bad / "t10k-labels-idx1-ubyte.gz"
    content = bytearray(gzip.decompress(last.read_bytes()))
    content[-1] = (content[-1] + 1) % 10  # still valid IDX, wrong content
    last.write_bytes(gzip.compress(bytes(content)))
    data_env.allow_network()
    url = http_mirror(bad)
    with pytest.raises(DataError) as info:
        find_dataset(mirrors=[url], progress=False)
    message = str(info.value)
    assert f"{url}t10k-labels-idx1-ubyte.gz: served a bad file: SHA-256" in message
    assert listing(t.cache) == sorted(NAMES[:3])  # the verified files stay, no partial one


def test_dead_mirror_then_good_one(tiny_fashion_gz, data_env, http_mirror):
    data_env.allow_network()
    dead, good = closed_port_url(), http_mirror(tiny_fashion_gz.files)
    assert find_dataset(mirrors=[dead, good], progress=False).kind == "download"
    # the dead mirror is tried 3 times (2 retries) for the first file, then skipped
    assert data_env.calls == [dead + NAMES[0]] * 3 + [good + n for n in NAMES]


def test_mirror_without_the_file_then_good_one(tiny_fashion_gz, data_env, http_mirror, tmp_path):
    data_env.allow_network()
    empty = http_mirror(tmp_path)
    good = http_mirror(tiny_fashion_gz.files)
    assert find_dataset(mirrors=[empty, good], progress=False).kind == "download"
    assert data_env.calls[:2] == [empty + NAMES[0], good + NAMES[0]]  # a 404 is not retried


def test_nothing_anywhere_lists_places_and_remedies(tiny_fashion_gz, data_env):
    data_env.allow_network()
    dead = closed_port_url()
    with pytest.raises(DataError) as info:
        find_dataset(mirrors=[dead], progress=False)
    message = str(info.value)
    for line in (f"cache: {tiny_fashion_gz.cache} (folder does not exist)",
                 f"system: {tiny_fashion_gz.system} (folder does not exist)",
                 "D2L_DATA_DIR: not set",
                 f"{dead}train-images-idx3-ubyte.gz: unreachable after 3 attempts",
                 "run: python -m d2l_utils.data fetch",
                 "sudo apt-get install dataset-fashion-mnist",
                 "and set D2L_DATA_DIR to it"):
        assert line in message
    assert not tiny_fashion_gz.cache.exists()  # no empty folder left behind


def test_mirrors_from_the_environment(tiny_fashion_gz, data_env, http_mirror, tmp_path,
                                      monkeypatch):
    shutil.copytree(tiny_fashion_gz.files, tmp_path / "m" / "fashion-mnist")
    data_env.allow_network()
    base = http_mirror(tmp_path / "m")
    monkeypatch.setenv("D2L_DATA_MIRRORS", f"{closed_port_url()}, {base}{{dataset}}/")
    assert mirror_list("fashion-mnist")[1] == base + "fashion-mnist/"
    assert find_dataset(progress=False).kind == "download"
    monkeypatch.delenv("D2L_DATA_MIRRORS")
    assert mirror_list("mnist") == list(MNIST.mirrors)
    assert mirror_list("mnist", "http://h/{dataset}") == ["http://h/mnist"]


def test_server_errors_are_retried(tiny_fashion_gz, data_env, http_mirror):
    failures = []

    class FlakyOnce(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tiny_fashion_gz.files), **kwargs)

        def do_GET(self):
            if not failures:
                failures.append(self.path)
                self.send_error(503)
                return
            super().do_GET()

        def log_message(self, *args):
            pass

    data_env.allow_network()
    url = http_mirror(None, FlakyOnce)
    assert find_dataset(mirrors=[url], progress=False).kind == "download"
    assert data_env.calls[:2] == [url + NAMES[0]] * 2


def test_connection_cut_mid_file_is_retried_and_leaves_no_part(tiny_fashion_gz, data_env,
                                                               http_mirror):
    cuts = []

    class CutOnce(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(tiny_fashion_gz.files), **kwargs)

        def do_GET(self):
            if not cuts:
                cuts.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "100000")
                self.end_headers()
                self.wfile.write(b"\x1f\x8b" + b"\0" * 100)
                self.close_connection = True
                return
            super().do_GET()

        def log_message(self, *args):
            pass

    data_env.allow_network()
    url = http_mirror(None, CutOnce)
    assert find_dataset(mirrors=[url], progress=False).kind == "download"
    assert listing(tiny_fashion_gz.cache) == sorted(NAMES)


def test_read_timeout(tiny_fashion_gz, data_env, http_mirror, tmp_path):
    class Silent(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            time.sleep(1.0)

        def log_message(self, *args):
            pass

    data_env.allow_network()
    url = http_mirror(None, Silent)
    start = time.perf_counter()
    with pytest.raises(DownloadFailed) as info:
        download_missing("fashion-mnist", tmp_path / "c", [url], timeout=0.2, retries=0,
                         progress=False)
    assert time.perf_counter() - start < 0.9
    assert "timed out" in info.value.attempts[0][1]
    assert listing(tmp_path / "c") == []


def test_partial_cache_is_completed(tiny_fashion_gz, data_env, http_mirror):
    t = tiny_fashion_gz
    t.cache.mkdir(parents=True)
    shutil.copy(t.files / NAMES[1], t.cache / NAMES[1])
    data_env.allow_network()
    url = http_mirror(t.files)
    find_dataset(mirrors=[url], progress=False)
    assert data_env.calls == [url + n for n in NAMES if n != NAMES[1]]


def test_mnist_downloads_are_checked_by_md5(tiny_mnist, data_env, http_mirror, tmp_path):
    data_env.allow_network()
    assert find_dataset("mnist", mirrors=[http_mirror(tiny_mnist.files)],
                        progress=False).kind == "download"
    bad = shutil.copytree(tiny_mnist.files, tmp_path / "bad")
    f = bad / "train-images-idx3-ubyte.gz"
    f.write_bytes(gzip.compress(gzip.decompress(f.read_bytes()), compresslevel=1))
    with pytest.raises(DataError, match="served a bad file: MD5 of the .gz file"):
        find_dataset("mnist", mirrors=[http_mirror(bad)], cache_dir=tmp_path / "c2",
                     progress=False)
    assert listing(tmp_path / "c2") == []


def test_disk_full_is_a_clear_error_and_leaves_nothing(tiny_fashion_gz, data_env, http_mirror,
                                                      tmp_path, monkeypatch):
    class FullDisk:
        def __init__(self, fd, mode):
            os.close(fd)

        def write(self, data):
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self):
            pass

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

    data_env.allow_network()
    url = http_mirror(tiny_fashion_gz.files)
    monkeypatch.setattr(download.os, "fdopen", FullDisk)
    with pytest.raises(DataError, match="cannot write the download .*No space left on device.*"
                                        "Free some disk space"):
        download_missing("fashion-mnist", tmp_path / "c", [url], progress=False)
    assert listing(tmp_path / "c") == []
    assert len(data_env.calls) == 1  # not retried, no other mirror asked


def test_cache_folder_that_cannot_be_created(tiny_fashion_gz, data_env, monkeypatch, tmp_path):
    def refuse(path, exist_ok=False):
        raise PermissionError(errno.EACCES, "Permission denied", str(path))

    monkeypatch.setattr(download.os, "makedirs", refuse)
    with pytest.raises(DataError, match="c: cannot write the download .*XDG_CACHE_HOME"):
        download_missing("fashion-mnist", str(tmp_path / "c"), ["http://127.0.0.1:9/"])
    assert data_env.calls == []


# ----------------------------------------------------------------------------- bounded downloads
SERVER_SECONDS = 30  # how long each hostile server below would keep going


class _Hostile(http.server.BaseHTTPRequestHandler):
    """Base for servers that never deliver a proper file; each stops after SERVER_SECONDS."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send_for_a_while(self, pieces):
        stop = time.monotonic() + SERVER_SECONDS
        try:
            for piece, pause in pieces:
                if time.monotonic() > stop:
                    return
                self.wfile.write(piece)
                time.sleep(pause)
        except OSError:  # the client hung up
            pass


class Endless(_Hostile):
    """200 without a Content-Length, then zeros as fast as possible, forever."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Connection", "close")
        self.end_headers()
        self.send_for_a_while((bytes(1 << 16), 0) for _ in iter(int, 1))


class Announced(_Hostile):
    """Announces 10 GB, then sends zeros."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", str(10**10))
        self.end_headers()
        self.send_for_a_while((bytes(1 << 16), 0) for _ in iter(int, 1))


class Trickle(_Hostile):
    """A plausible Content-Length, then one byte a second."""

    def do_GET(self):
        self.send_response(200)
        self.send_header("Content-Length", "30000")
        self.end_headers()
        self.send_for_a_while((b"\x1f", 1.0) for _ in iter(int, 1))


class NeverEndingHeaders(_Hostile):
    """The status line, then a header that grows by one byte every 0.2 s: no body ever."""

    def do_GET(self):
        self.send_for_a_while([(b"HTTP/1.1 200 OK\r\nX-Slow: ", 0)]
                              + [(b"z", 0.2)] * (SERVER_SECONDS * 5))


@pytest.mark.parametrize("handler, timeout, deadline, grace, reason", [  # reason: a regex
    # the size cap: 39216 bytes of tiny training images -> 109654 bytes at most for its .gz
    (Endless, 3, None, 30, "the server sent more than the 109654 bytes this file can have"),
    (Announced, 3, None, 30, r"the server announces 10000\.0 MB, more than the 109654 bytes"),
    # the deadline for the whole file, and for the response headers
    (Trickle, 3, 1.0, 30, r"not complete after the 1 s deadline \(\d bytes received\)"),
    (NeverEndingHeaders, 3, 1.0, 30, "no complete response headers within 1 s"),
    (NeverEndingHeaders, 0.5, None, 30, "no complete response headers within 1 s"),
    # the minimum rate after the grace period
    (Trickle, 3, None, 0.5, r"too slow: \d bytes in 1.\d s, below the minimum of 32768 bytes/s"),
])
def test_hostile_servers_are_cut_off_and_leave_nothing(tiny_fashion_gz, data_env, http_mirror,
                                                       tmp_path, monkeypatch, handler, timeout,
                                                       deadline, grace, reason):
    data_env.allow_network()
    monkeypatch.setattr(download, "GRACE", grace)
    url = http_mirror(None, handler)
    start = time.monotonic()
    with pytest.raises(DownloadFailed) as info:
        download_missing("fashion-mnist", tmp_path / "c", [url], timeout=timeout, retries=0,
                         deadline=deadline, progress=False)
    seconds = time.monotonic() - start
    print(f"{handler.__name__}: rejected after {seconds:.2f} s")
    assert seconds < SERVER_SECONDS / 2  # cut off by the cap or the deadline, not by the server
    assert isinstance(info.value, DataError)
    assert re.search(f"\n  {re.escape(url)}train-images-idx3-ubyte.gz: {reason}", str(info.value))
    assert not (tmp_path / "c").exists()  # nothing left in the cache folder, not even itself


def test_the_size_cap_bounds_a_gz_of_the_expected_file():
    labels = FASHION_MNIST.file("train_labels")
    worst = len(gzip.compress(os.urandom(labels.size), compresslevel=9))
    assert labels.size < worst <= download.max_gz_bytes(labels)  # incompressible content fits
    images = FASHION_MNIST.file("train_images")
    assert download.max_gz_bytes(images) < 1.13 * images.size  # but not much more
    seconds = download.file_deadline(images)
    assert seconds > download.max_gz_bytes(images) / (32 * 1024)  # 256 kbit/s is enough
    assert seconds < 1800


@pytest.mark.parametrize("mirror, reason", [("no-scheme/", "ValueError: unknown url type"),
                                            ("gopher://x/", "URLError: unknown url type")])
def test_unusable_mirror_url_is_named_with_the_reason(tiny_fashion_gz, data_env, tmp_path,
                                                      mirror, reason):
    data_env.allow_network()
    with pytest.raises(DownloadFailed) as info:
        download_missing("fashion-mnist", tmp_path / "c", [mirror], progress=False)
    assert f"  {mirror}train-images-idx3-ubyte.gz: {reason}" in str(info.value)


# ----------------------------------------------------------------------------- cache writes


def test_full_disk_seen_only_at_close_is_a_cache_write_error(tiny_fashion_gz, data_env,
                                                             http_mirror, tmp_path, monkeypatch):
    data_env.allow_network()
    url = http_mirror(tiny_fashion_gz.files)
    monkeypatch.setattr(download.os, "fdopen", fails_at_close())
    with pytest.raises(download.CacheWriteError) as info:
        download_missing("fashion-mnist", tmp_path / "c", [url], progress=False)
    assert re.fullmatch(r".*/c/\.train-images-idx3-ubyte\.gz\.\d+\.[0-9a-f]+\.part",
                        info.value.path)
    assert "cannot write the download (OSError: [Errno 28] No space left on device)" in str(
        info.value)
    assert listing(tmp_path / "c") == []


@pytest.mark.parametrize("umask, mode", [(0o022, 0o644), (0o002, 0o664)])
def test_cached_files_get_the_usual_permissions(tiny_fashion_gz, data_env, http_mirror,
                                                tmp_path, umask, mode):
    data_env.allow_network()
    url = http_mirror(tiny_fashion_gz.files)
    old = os.umask(umask)
    try:
        written = download_missing("fashion-mnist", tmp_path / "c", [url], progress=False)
    finally:
        os.umask(old)
    assert [oct(stat.S_IMODE(os.stat(p).st_mode)) for p in written] == [oct(mode)] * 4


KILLED_CHILD = """
import sys
from d2l_utils.data.download import download_missing
download_missing("fashion-mnist", sys.argv[1], [sys.argv[2]], retries=0, progress=False)
"""


def test_parts_left_by_a_killed_download_are_removed_by_the_next(tiny_fashion_gz, data_env,
                                                                 http_mirror, tmp_path):
    data_env.allow_network()
    folder = tmp_path / "c"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    child = subprocess.Popen([sys.executable, "-c", KILLED_CHILD, str(folder),
                              http_mirror(None, Trickle)], env=env)
    try:
        for _ in range(600):  # the child writes its temporary file, then waits for bytes
            if [n for n in listing(folder) if n.endswith(".part")] or child.poll() is not None:
                break
            time.sleep(0.05)
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    stale = listing(folder)
    assert len(stale) == 1 and stale[0].startswith(".train-images-idx3-ubyte.gz.")
    live = f".t10k-labels-idx1-ubyte.gz.{os.getpid()}.0123abcd.part"  # a download still running
    others = ["notes.part", ".train-images-idx3-ubyte.gz.part", live]
    for name in others:
        (folder / name).write_bytes(b"not ours to remove")
    download_missing("fashion-mnist", folder, [http_mirror(tiny_fashion_gz.files)],
                     progress=False)
    assert listing(folder) == sorted(NAMES + others)
