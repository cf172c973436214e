"""d2l_utils/__init__.py: what ``import d2l_utils`` loads and the names it gives.

Every notebook kernel and every ``python -m d2l_utils.run`` process starts with this
import, so a heavy library that only a few functions use is imported inside them;
``d2l.plt`` is matplotlib.pyplot all the same, imported on first use.
"""

import pytest
from helpers import modules_loaded_by
from matplotlib import pyplot

import d2l_utils as d2l


def test_importing_the_package_does_not_load_pandas_pyplot_or_tqdm():
    # pandas (0.2 s) serves chapter 05's tables only, pyplot (0.25 s) the functions that
    # draw, tqdm.auto (with ipywidgets in a kernel, 0.05 s) a progress bar
    loaded = modules_loaded_by("import d2l_utils")
    assert not {"pandas", "matplotlib.pyplot", "tqdm.auto"} & loaded


def test_plt_is_pyplot_however_it_is_reached():
    from d2l_utils import plt
    from d2l_utils.plotting import plt as plotting_plt
    assert d2l.plt is plt is plotting_plt is pyplot
    assert "plt" in dir(d2l)
    names = {}
    exec("from d2l_utils import *", names)
    assert names["plt"] is pyplot and names["Animator"] is d2l.Animator


def test_pyplot_is_imported_on_first_use():
    loaded = modules_loaded_by("import d2l_utils as d2l\nd2l.plt.figure()")
    assert "matplotlib.pyplot" in loaded


@pytest.mark.parametrize("module", [d2l, d2l.plotting], ids=["d2l_utils", "plotting"])
def test_a_missing_name_is_still_an_attribute_error(module):
    # __getattr__ answers for plt only: hasattr() and `from d2l_utils import <submodule>`
    # rely on the AttributeError for every other name
    with pytest.raises(AttributeError, match="no_such_name"):
        module.no_such_name  # noqa: B018
    assert not hasattr(module, "no_such_name")
