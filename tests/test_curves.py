"""semilogy and xyplot draw the book's figures, SVG-safe, and show them where the book does."""

import numpy as np
import pytest
from matplotlib import pyplot as plt
from mxnet import nd

import d2l_utils as d2l

# Each test starts with no figures and default rcParams, and leaves none behind.
pytestmark = pytest.mark.usefixtures("fresh_figures")


def test_semilogy_draws_one_or_two_curves_on_a_log_axis(monkeypatch):
    shown = []
    monkeypatch.setattr(d2l.curves, "show_figure", lambda: shown.append(1))
    d2l.semilogy(range(1, 4), nd.array([1, 0.1, 0.01]), 'epochs', 'loss')
    ax = plt.gca()
    assert ax.get_yscale() == 'log' and ax.get_legend() is None and len(ax.get_lines()) == 1
    assert list(plt.gcf().get_size_inches()) == [3.5, 2.5]
    assert plt.rcParams["svg.hashsalt"] == d2l.plotting.SVG_HASHSALT
    plt.figure()
    d2l.semilogy(np.arange(1, 4), [1, .5, .2], 'epochs', 'loss', np.arange(1, 4), [1, .6, .5],
                 ['train', 'test'], figsize=(4, 3))
    lines = plt.gca().get_lines()
    assert [line.get_linestyle() for line in lines][1] == ':' and shown == [1, 1]
    assert [t.get_text() for t in plt.gca().get_legend().get_texts()] == ['train', 'test']
    with pytest.raises(ValueError, match="both x2_vals and y2_vals"):
        d2l.semilogy([1], [1], 'x', 'y', [1])


def test_show_figure_leaves_the_figure_open_under_agg(recwarn):
    plt.plot([1, 2])
    d2l.show_figure()
    assert plt.get_fignums() and not [w for w in recwarn if "non-interactive" in str(w.message)]


def test_xyplot_labels_name_of_x_on_a_wide_figure():
    x = nd.arange(-2, 2, 1.0)
    d2l.xyplot(x, x.relu(), 'relu')
    ax = plt.gca()
    assert (ax.get_xlabel(), ax.get_ylabel()) == ('x', 'relu(x)')
    assert ax.get_lines()[0].get_ydata().tolist() == [0, 0, 0, 1]
    assert list(plt.gcf().get_size_inches()) == [5, 2.5]


@pytest.mark.slow  # starts a kernel
def test_semilogy_in_a_notebook_shows_an_svg_without_a_date(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    from nbclient import NotebookClient
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        "import d2l_utils as d2l\n"
        "d2l.semilogy(range(1, 4), [1, .1, .01], 'epochs', 'loss', range(1, 4), [1, .2, .1],"
        " ['train', 'test'])\nprint('after')")])
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={
        "metadata": {"path": str(tmp_path)}}).execute()
    outputs = nb.cells[0].outputs
    assert [o.output_type for o in outputs] == ["display_data", "stream"]
    svg = outputs[0].data["image/svg+xml"]
    assert "<dc:date>" not in svg and outputs[1].text == "after\n"
