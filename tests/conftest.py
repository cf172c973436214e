"""Shared fixtures.

Data fixtures (tests/test_data_*.py): small generated IDX datasets (50 training
and 20 test images, gzipped or raw) with a matching spec, an isolated data
environment (own cache, no D2L_DATA_DIR, no network), a local HTTP mirror, and
the real Fashion-MNIST, loaded once per session, which skips with a reason when
it is absent, except under CI=true, where its absence is a failure.
"""

import dataclasses
import functools
import gzip
import hashlib
import http.server
import os
import shutil
import struct
import threading
import urllib.request
from types import SimpleNamespace

import numpy as np
import pytest
from matplotlib import pyplot as plt

from d2l_utils import airfoil
from d2l_utils.data import download, httpget, sources

TINY_TRAIN, TINY_TEST = 50, 20


# ----------------------------------------------------------------------------- IDX files
def idx_bytes(array, code=0x08):
    """The IDX encoding of ``array`` (header + big-endian items)."""
    dtype = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[code]
    array = np.asarray(array)
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(dtype).tobytes()


def write_file(path, content, compress=None):
    """Write bytes to ``path``, gzipped if it ends in .gz (or ``compress``); return the path."""
    compress = str(path).endswith(".gz") if compress is None else compress
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(content, mtime=0) if compress else content)
    return path


def gzip_of_zeros(path, header, count, member=1 << 24):
    """Write a .gz of ``header`` followed by ``count`` zero bytes; return the path.

    The zeros are written as repeated gzip members of ``member`` bytes each (a
    valid multi-member gzip, as ``gzip.decompress`` reads it), so 1.5e9 zeros
    take 1.4 MB on disk and a fraction of a second to write.
    """
    block = gzip.compress(bytes(member), compresslevel=9, mtime=0)
    full, rest = divmod(count, member)
    with open(path, "wb") as f:
        f.write(gzip.compress(header, mtime=0))
        for _ in range(full):
            f.write(block)
        if rest:
            f.write(gzip.compress(bytes(rest), mtime=0))
    return path


def tiny_arrays(seed=0):
    """(train_images, train_labels, test_images, test_labels), uint8, every class present."""
    rng = np.random.default_rng(seed)
    out = []
    for n in (TINY_TRAIN, TINY_TEST):
        out.append(rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8))
        out.append(rng.permutation(np.arange(n) % 10).astype(np.uint8))
    return tuple(out)


def write_tiny(folder, spec, arrays, compress=True):
    """Write the four files of ``arrays`` into ``folder`` under ``spec``'s names."""
    ext = ".gz" if compress else ""
    return [write_file(folder / (f.name + ext), idx_bytes(a))
            for f, a in zip(spec.files, arrays, strict=True)]


def tiny_spec(base, arrays, folder_for_md5=None, system_dirs=()):
    """``base`` (FASHION_MNIST or MNIST) with the sizes and hashes of ``arrays``.

    Fashion-style specs get SHA-256 of the decompressed content; MNIST-style ones
    (base has no SHA-256) get the MD5 of the .gz files in ``folder_for_md5``.
    """
    files = []
    for f, a in zip(base.files, arrays, strict=True):
        content = idx_bytes(a)
        if f.sha256 is not None:
            sha = hashlib.sha256(content).hexdigest()
            files.append(sources.FileSpec(f.name, len(content), sha))
        else:
            gz = (folder_for_md5 / (f.name + ".gz")).read_bytes()
            files.append(sources.FileSpec(f.name, len(content), gz_md5=hashlib.md5(gz).hexdigest()))
    return dataclasses.replace(base, files=tuple(files), mirrors=(),
                               system_dirs=tuple(map(str, system_dirs)))


# ----------------------------------------------------------------------------- environment
@pytest.fixture
def data_env(tmp_path, monkeypatch):
    """Isolated data environment: own cache, no D2L_DATA_DIR/mirrors, network forbidden.

    ``data_env.calls`` counts attempts to open a URL (``httpget.open_url``, the
    one door of the data layer to the network, and urllib's ``urlopen``);
    ``data_env.allow_network()`` lifts the ban (for tests against a local server).
    """
    cache_home = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(cache_home))
    monkeypatch.delenv("D2L_DATA_DIR", raising=False)
    monkeypatch.delenv("D2L_DATA_MIRRORS", raising=False)
    monkeypatch.setattr(download, "RETRY_BACKOFF", 0.0)
    env = SimpleNamespace(calls=[], cache_home=cache_home)
    doors = [(httpget, "open_url"), (urllib.request, "urlopen")]
    real = {door: getattr(*door) for door in doors}

    def forbidden(url, *args, **kwargs):
        env.calls.append(url)
        raise AssertionError(f"network access attempted: {url}")

    def allow_network():
        for door in doors:
            def counting(url, *args, _real=real[door], **kwargs):
                env.calls.append(url)
                return _real(url, *args, **kwargs)
            monkeypatch.setattr(*door, counting)

    for door in doors:
        monkeypatch.setattr(*door, forbidden)
    env.allow_network = allow_network
    return env


def _install(monkeypatch, tmp_path, base, compress):
    arrays = tiny_arrays(seed=0 if base is sources.FASHION_MNIST else 1)
    files = tmp_path / f"{base.name}-files"
    write_tiny(files, base, arrays, compress=True)
    spec = tiny_spec(base, arrays, folder_for_md5=files, system_dirs=[tmp_path / "system"])
    if not compress:
        shutil.rmtree(files)
        write_tiny(files, base, arrays, compress=False)
    monkeypatch.setitem(sources.DATASETS, base.name, spec)
    return SimpleNamespace(spec=spec, arrays=arrays, files=files, system=tmp_path / "system",
                           cache=tmp_path / "xdg-cache" / "d2l_utils" / base.name)


@pytest.fixture(params=["gz", "raw"])
def tiny_fashion(request, data_env, tmp_path, monkeypatch):
    """A generated Fashion-MNIST stand-in (50 train, 20 test), registered as 'fashion-mnist'.

    ``.files`` holds the four files (gzipped or raw, per param), ``.spec`` their
    sizes and SHA-256, ``.arrays`` the uint8 arrays, ``.system``/``.cache`` the
    (empty) system and cache folders.  Network access is forbidden (data_env).
    """
    return _install(monkeypatch, tmp_path, sources.FASHION_MNIST, request.param == "gz")


@pytest.fixture
def tiny_fashion_gz(data_env, tmp_path, monkeypatch):
    """``tiny_fashion`` with gzipped files only (tests that do not need both variants)."""
    return _install(monkeypatch, tmp_path, sources.FASHION_MNIST, True)


@pytest.fixture
def tiny_mnist(data_env, tmp_path, monkeypatch):
    """A generated MNIST stand-in (.gz, checked by size + MD5 like MNIST), as 'mnist'."""
    return _install(monkeypatch, tmp_path, sources.MNIST, True)


# ----------------------------------------------------------------------------- HTTP mirror
class _Handler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output clean
        pass


@pytest.fixture
def http_mirror():
    """Start a local HTTP server on 127.0.0.1 (ephemeral port) serving a folder.

    ``url = http_mirror(folder)`` returns the base URL; servers stop after the test.
    """
    servers = []

    def start(folder, handler=None):
        handler = handler or functools.partial(_Handler, directory=str(folder))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
        thread.start()
        servers.append((server, thread))
        return f"http://127.0.0.1:{server.server_address[1]}/"

    yield start
    for server, thread in servers:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


# ----------------------------------------------------------------------------- real data
def skip_or_fail(reason, tests="real-data tests"):
    """Skip with ``reason``, except under CI=true, where a missing prerequisite is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: {tests} must not be skipped)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def real_fashion_mnist():
    """The real Fashion-MNIST, found as users find it (no download), read once per session.

    ``.location`` (kind, folder, paths) and ``.arrays``: X_train uint8
    (60000, 28, 28), y_train uint8 (60000,), X_test (10000, 28, 28), y_test.
    """
    location = sources.find_local(sources.FASHION_MNIST)[0]
    if location is None:
        skip_or_fail("real Fashion-MNIST not present; run `make data` to get it")
    # A copy that is present but fails verification raises DataError: an error, never a skip.
    arrays = sources.read_split(location, "train") + sources.read_split(location, "test")
    return SimpleNamespace(location=location, arrays=arrays)


# ----------------------------------------------------------------------------- test tiers
def pytest_collection_modifyitems(items):
    """Everything that uses the real Fashion-MNIST is ``slow`` (it trains or reads 60,000
    images), so `make check` (``-m "not slow and not browser"``) stays a quick pre-commit loop
    without each such test having to say so.  Tests that execute notebooks or start kernels
    carry ``@pytest.mark.slow`` themselves."""
    for item in items:
        if "real_fashion_mnist" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


# ----------------------------------------------------------------------------- book programs
# tests/book/ (the first edition's code on d2l_utils) uses these; they live here because a
# second conftest.py would shadow this one for the tests that import from it.

# The real data's values: 1/3-octave centre frequencies (Hz), chords (m), speeds (m/s).
FREQUENCIES = [200, 250, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000, 2500, 3150, 4000,
               5000, 6300, 8000, 10000, 12500, 16000, 20000]
CHORDS = [0.0254, 0.0508, 0.1016, 0.1524, 0.2286, 0.3048]
SPEEDS = [31.7, 39.6, 55.5, 71.3]


def synthetic_airfoil(seed=0):
    """A (1503, 6) array in airfoil_self_noise.dat's format and ranges, NOT the real data.

    Features are drawn from the real columns' values and ranges; the sound
    level is a linear function of them plus noise (so a linear model can fit
    it, as it roughly can the real one), kept in the real [103, 141] dB.
    """
    rng = np.random.default_rng(seed)
    n = airfoil.NUM_ROWS
    data = np.column_stack([
        rng.choice(FREQUENCIES, n), rng.uniform(0, 22.2, n), rng.choice(CHORDS, n),
        rng.choice(SPEEDS, n), rng.uniform(0.0004, 0.0584, n)])
    z = (data - data.mean(axis=0)) / data.std(axis=0)
    level = 125 + z @ np.array([-4.0, -1.5, -2.5, 1.5, -2.0]) + rng.normal(0, 2.0, n)
    return np.column_stack([data, np.clip(level, 103.4, 140.9)])


def write_airfoil(path, data):
    """Write ``data`` as the real file is written: tab-separated, one row per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("\t".join(f"{v:g}" for v in row) + "\n" for row in data))
    return path


@pytest.fixture
def fresh_figures():
    """Each program starts with no figure and leaves none behind."""
    plt.close("all")
    with plt.rc_context():
        yield
    plt.close("all")


@pytest.fixture
def airfoil_dir(tmp_path, monkeypatch):
    """D2L_DATA_DIR holds a synthetic airfoil_self_noise.dat; no cache, no ../data file."""
    folder = tmp_path / "data"
    write_airfoil(folder / airfoil.FILE_NAME, synthetic_airfoil())
    monkeypatch.setenv("D2L_DATA_DIR", str(folder))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "work" / "nb").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "work" / "nb")  # ../data is then tmp_path/work/data: empty
    return folder


# Every self-check test also runs its cases in Chinese (tests/checks/bilingual.py); a
# conftest.py there would shadow this one for the tests that import from conftest.
from checks.bilingual import chinese_edition_of_every_check_call  # noqa: E402, F401
