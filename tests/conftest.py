"""Shared fixtures (the helper functions shared by test modules are in helpers.py).

Data fixtures (tests/test_data_*.py): small generated IDX datasets (50 training
and 20 test images, gzipped or raw) with a matching spec, an isolated data
environment (own cache, no D2L_DATA_DIR, no network), a local HTTP mirror, and
the real Fashion-MNIST, loaded once per session, which skips with a reason when
it is absent, except under CI=true, where its absence is a failure.
"""

import functools
import http.server
import shutil
import sys
import threading
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers import (
    skip_or_fail,
    synthetic_airfoil,
    tiny_arrays,
    tiny_spec,
    write_airfoil,
    write_tiny,
)
from matplotlib import pyplot as plt

from d2l_utils import airfoil
from d2l_utils.data import download, httpget, sources

# tools/ holds the repository's scripts, which the installed package leaves out
# (tools/publish.py, tools/translations.py): the tests import them by module name.
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))


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


@pytest.fixture(scope="session")
def chromium():
    """Headless Chromium for the browser tests (make browser-deps installs it)."""
    import browser as tool

    reason = tool.chromium_problem()
    if reason:
        skip_or_fail(reason, tests="the browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        try:
            browser = tool.launch(p)
        except Exception as err:  # a broken install: say what failed
            skip_or_fail(f"Chromium does not start: {err}", tests="the browser tests")
        yield browser
        browser.close()
