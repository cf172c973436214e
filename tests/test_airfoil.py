"""get_data_ch7's data: where it is looked for, what is checked, errors that say what to do."""

import hashlib
import os

import numpy as np
import pytest
from helpers import synthetic_airfoil, write_airfoil

import d2l_utils as d2l
from d2l_utils import airfoil
from d2l_utils.data import httpget

REAL_OPEN_URL = httpget.open_url


@pytest.fixture
def no_airfoil(tmp_path, monkeypatch):
    """No D2L_DATA_DIR, an empty cache, a working directory whose ../data is empty, no network."""
    def offline(url, *args, **kwargs):
        raise OSError(f"no network in this test: {url}")
    monkeypatch.setattr(httpget, "open_url", offline)
    monkeypatch.delenv("D2L_DATA_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "work" / "nb").mkdir(parents=True)
    monkeypatch.chdir(tmp_path / "work" / "nb")
    return tmp_path


def test_missing_data_is_a_clear_error_naming_every_place_and_how_to_get_it(no_airfoil):
    with pytest.raises(d2l.DataError) as err:
        d2l.get_data_ch7()
    message = str(err.value)
    assert "airfoil_self_noise.dat" in message and "is not on this machine" in message
    assert str(no_airfoil / "cache" / "d2l_utils" / "airfoil") in message
    assert str(no_airfoil / "work" / "data" / "airfoil_self_noise.dat") in message
    assert "UCI" in message and "D2L_DATA_DIR" in message and "root=" in message
    assert f"downloading {airfoil.URL} failed: " in message
    assert "no network in this test" in message
    assert not isinstance(err.value, OSError)


@pytest.fixture
def served_airfoil(tmp_path, http_mirror, monkeypatch):
    """A synthetic airfoil file on a local HTTP server: (its url, its bytes)."""
    folder = tmp_path / "server"
    path = write_airfoil(folder / airfoil.FILE_NAME, synthetic_airfoil())
    return http_mirror(folder) + airfoil.FILE_NAME, path.read_bytes()


def test_a_missing_file_is_downloaded_into_the_cache_once_its_sha1_matches(
        no_airfoil, served_airfoil, monkeypatch):
    url, content = served_airfoil
    monkeypatch.setattr(httpget, "open_url", REAL_OPEN_URL)
    monkeypatch.setattr(airfoil, "URL", url)
    monkeypatch.setattr(airfoil, "SHA1", hashlib.sha1(content).hexdigest())
    X, y = d2l.get_data_ch7()
    cached = no_airfoil / "cache" / "d2l_utils" / "airfoil"
    assert os.listdir(cached) == [airfoil.FILE_NAME]
    assert (cached / airfoil.FILE_NAME).read_bytes() == content
    assert X.shape == (1500, 5) and y.shape == (1500,)


def test_a_download_with_another_sha1_is_refused_and_leaves_nothing(
        no_airfoil, served_airfoil, monkeypatch):
    url, _ = served_airfoil
    monkeypatch.setattr(httpget, "open_url", REAL_OPEN_URL)
    folder = no_airfoil / "dl"
    with pytest.raises(d2l.DataError, match="its SHA-1 is [0-9a-f]{40}, not the published "
                                            + airfoil.SHA1):
        airfoil.download_airfoil(folder, url=url, timeout=5.0)
    assert os.listdir(folder) == []


@pytest.mark.parametrize("where", ["argument-folder", "argument-file", "env", "env-subfolder",
                                   "cache", "book"])
def test_each_place_is_found(no_airfoil, monkeypatch, where):
    base = no_airfoil / "somewhere"
    paths = {"argument-folder": base / airfoil.FILE_NAME, "argument-file": base / "a.dat",
             "env": base / airfoil.FILE_NAME, "env-subfolder": base / "airfoil" / airfoil.FILE_NAME,
             "cache": no_airfoil / "cache" / "d2l_utils" / "airfoil" / airfoil.FILE_NAME,
             "book": no_airfoil / "work" / "data" / airfoil.FILE_NAME}
    write_airfoil(paths[where], synthetic_airfoil())
    root = {"argument-folder": base, "argument-file": paths[where]}.get(where)
    if where.startswith("env"):
        monkeypatch.setenv("D2L_DATA_DIR", str(base))
    assert airfoil.find_airfoil(root) == str(paths[where])
    X, y = d2l.get_data_ch7(root=root)
    assert X.shape == (1500, 5) and y.shape == (1500,)


def test_the_argument_comes_before_d2l_data_dir_and_the_cache(no_airfoil, monkeypatch):
    for name in ("arg", "env", "cache"):
        folder = no_airfoil / "cache" / "d2l_utils" / "airfoil" if name == "cache" \
            else no_airfoil / name
        write_airfoil(folder / airfoil.FILE_NAME, synthetic_airfoil())
    monkeypatch.setenv("D2L_DATA_DIR", str(no_airfoil / "env"))
    assert airfoil.find_airfoil(no_airfoil / "arg").startswith(str(no_airfoil / "arg"))
    assert airfoil.find_airfoil().startswith(str(no_airfoil / "env"))


def test_a_root_or_d2l_data_dir_that_does_not_exist_is_an_error(no_airfoil, monkeypatch):
    with pytest.raises(d2l.DataError, match="root is .*nowhere, which is neither"):
        d2l.get_data_ch7(root=no_airfoil / "nowhere")
    monkeypatch.setenv("D2L_DATA_DIR", str(no_airfoil / "typo"))
    with pytest.raises(d2l.DataError, match="D2L_DATA_DIR is .*typo"):
        d2l.get_data_ch7()
    with pytest.raises(TypeError, match="root must be a folder or file"):
        d2l.get_data_ch7(root=3)


@pytest.mark.parametrize("damage, message", [
    (lambda d: d[:1000], "has 1000 rows of 6 columns; the airfoil self-noise data has 1503"),
    (lambda d: d[:, :5], "has 1503 rows of 5 columns"),
    (lambda d: np.where(np.arange(6) == 2, np.nan, d), "not finite"),
    (lambda d: d * [1, 1, 1, 1, 1, 10], r"sound pressure level \(column 6, dB\) ranges over"),
    (lambda d: d * [1000, 1, 1, 1, 1, 1], r"frequency \(column 1, Hz\) ranges over"),
    (lambda d: d[:, ::-1], r"sound pressure level"),  # columns in the wrong order
])
def test_a_damaged_or_wrong_file_is_named_with_what_is_wrong(tmp_path, damage, message):
    path = write_airfoil(tmp_path / airfoil.FILE_NAME, damage(synthetic_airfoil()))
    with pytest.raises(d2l.DataError, match=message) as err:
        d2l.get_data_ch7(root=tmp_path)
    assert err.value.path == str(path) and "get the file again" in str(err.value)


def test_text_that_is_not_numbers_is_named(tmp_path):
    path = tmp_path / airfoil.FILE_NAME
    path.write_text("<html>404 Not Found</html>\n")
    with pytest.raises(d2l.DataError, match="cannot be read as tab-separated numbers"):
        d2l.get_data_ch7(root=path)
