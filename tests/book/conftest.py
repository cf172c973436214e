"""Fixtures for the book programs: clean figures and a synthetic airfoil file.

Each test module under tests/book/ runs the first edition's own code for a
group of sections with ``import d2l_utils as d2l``, in the book's style
(positional calls, the book's hyperparameters), trimmed where noted to keep
the whole folder fast.
"""

import pytest
from book_helpers import synthetic_airfoil, write_airfoil
from matplotlib import pyplot as plt

from d2l_utils import airfoil


@pytest.fixture(autouse=True)
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
