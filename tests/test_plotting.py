"""Plot helpers build the requested matplotlib objects; Animator shows one figure, in place."""

import os
import re
from pathlib import Path

import nbformat
import numpy as np
import pytest
from IPython import display as ipython_display
from matplotlib import pyplot as plt
from mxnet import nd
from nbclient import NotebookClient

import d2l_utils as d2l

# Each test starts with no figures and default rcParams, and leaves none behind.
pytestmark = pytest.mark.usefixtures("fresh_figures")


@pytest.fixture
def no_display(monkeypatch):
    """Fail the test if anything calls IPython's display."""
    def display(*args, **kwargs):
        raise AssertionError("IPython display called outside a Jupyter kernel")
    monkeypatch.setattr(ipython_display, "display", display)


def legend_texts(ax):
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_use_svg_display_fixes_the_svg_id_salt_outside_ipython():
    d2l.use_svg_display()
    assert plt.rcParams["svg.hashsalt"] == d2l.plotting.SVG_HASHSALT


def test_use_svg_display_gives_each_hand_drawn_series_its_own_colour_and_line_style():
    d2l.use_svg_display()
    cycle = list(plt.rcParams["axes.prop_cycle"])
    assert [entry["color"] for entry in cycle] == list(d2l.plotting.OKABE_ITO)
    styles = [str(entry["linestyle"]) for entry in cycle]
    assert len(set(styles)) == len(styles), f"two series share a line style: {styles}"
    _, ax = plt.subplots()
    first, second = ax.plot([0, 1], [0, 1]), ax.plot([0, 1], [1, 0])
    assert first[0].get_color() != second[0].get_color()
    assert first[0].get_linestyle() != second[0].get_linestyle()


def test_set_figsize_sets_the_default_figure_size():
    d2l.set_figsize((5, 3))
    assert list(plt.rcParams["figure.figsize"]) == [5, 3]
    assert list(plt.figure().get_size_inches()) == [5, 3]


def test_set_axes_sets_labels_scales_limits_legend_and_grid():
    _, ax = plt.subplots()
    ax.plot([1, 10], [1, 100])
    d2l.set_axes(ax, "x", "f(x)", (1, 10), (1, 100), "log", "log", ["f"])
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "f(x)")
    assert (ax.get_xscale(), ax.get_yscale()) == ("log", "log")
    assert (ax.get_xlim(), ax.get_ylim()) == ((1, 10), (1, 100))
    assert legend_texts(ax) == ["f"]
    assert all(line.get_visible() for line in ax.get_xgridlines())


def test_plot_draws_each_curve_with_its_format_on_the_given_axes():
    x = np.arange(0, 3, 0.5)
    _, ax = plt.subplots()
    d2l.plot(x, [x ** 2, 2 * x - 1], "x", "f(x)", legend=["x^2", "tangent"],
             xlim=(0, 3), ylim=(-1, 9), axes=ax)
    lines = ax.get_lines()
    assert len(lines) == 2
    np.testing.assert_array_equal(lines[0].get_xdata(), x)
    np.testing.assert_array_equal(lines[1].get_ydata(), 2 * x - 1)
    assert (lines[0].get_linestyle(), lines[1].get_linestyle()) == ("-", "--")
    assert lines[1].get_color() == "m"
    assert legend_texts(ax) == ["x^2", "tangent"]
    assert (ax.get_xlim(), ax.get_ylim()) == ((0, 3), (-1, 9))
    assert (ax.get_xlabel(), ax.get_ylabel()) == ("x", "f(x)")


def test_plot_accepts_ndarrays_and_y_only_on_the_current_axes():
    d2l.plot(nd.array([3, 1, 2]), figsize=(4, 2))
    ax = plt.gca()
    np.testing.assert_array_equal(ax.get_lines()[0].get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(ax.get_lines()[0].get_ydata(), [3, 1, 2])
    assert ax.get_legend() is None


def test_plot_sizes_its_own_new_figure_and_leaves_the_default_size_alone():
    default = list(plt.rcParams["figure.figsize"])
    d2l.plot([1, 2, 3], figsize=(4, 2))
    assert list(plt.gcf().get_size_inches()) == [4, 2]
    assert list(plt.rcParams["figure.figsize"]) == default
    assert list(plt.figure().get_size_inches()) == default  # the next figure: not 4 x 2
    d2l.set_figsize((5, 3))  # the book's way to change the default, on purpose
    assert list(plt.rcParams["figure.figsize"]) == [5, 3]


def test_plot_rejects_mismatched_curves():
    with pytest.raises(ValueError, match="plot: got 3 x sequences for 2 y sequences"):
        d2l.plot([[1, 2], [1, 2], [1, 2]], [[1, 2], [3, 4]])
    with pytest.raises(ValueError, match="plot: 2 curves but only 1 fmts"):
        d2l.plot([1, 2], [[1, 2], [3, 4]], fmts=("-",))


def test_animator_outside_a_kernel_draws_one_figure_and_never_displays(no_display):
    before = set(plt.get_fignums())
    animator = d2l.Animator(xlabel="epoch", ylabel="value", legend=["loss", "acc"],
                            xlim=[1, 3], ylim=[0, 1])
    for epoch, (loss, acc) in enumerate([(0.9, 0.5), (0.6, 0.7), (0.4, 0.8)], start=1):
        animator.add(epoch, (loss, acc))
    assert animator.live is False
    assert set(plt.get_fignums()) - before == {animator.fig.number}
    ax = animator.axes[0]
    lines = ax.get_lines()
    assert [list(line.get_xdata()) for line in lines] == [[1, 2, 3], [1, 2, 3]]
    assert [list(line.get_ydata()) for line in lines] == [[0.9, 0.6, 0.4], [0.5, 0.7, 0.8]]
    assert legend_texts(ax) == ["loss", "acc"]
    assert (ax.get_xlabel(), ax.get_ylabel(), ax.get_xlim(), ax.get_ylim()) == (
        "epoch", "value", (1, 3), (0, 1))


def test_animator_puts_losses_and_accuracies_on_two_labelled_panels(no_display):
    """train_ch3's legend: the loss (about 2 down to 0.4) and the accuracies (0 to 1) get their
    own y axes, each labelled, so neither is squashed and the reader knows which is which."""
    animator = d2l.Animator(xlabel="epoch", legend=["train loss", "train acc", "test acc"],
                            xlim=[1, 3], fmts=("-o", "m--s", "g-.^"))
    assert list(animator.fig.get_size_inches()) == [7, 2.0]
    for epoch, values in enumerate([(0.9, 0.5, 0.6), (0.6, 0.7, 0.72), (0.4, 0.8, 0.79)], 1):
        animator.add(epoch, values)
    loss_ax, acc_ax = animator.axes
    assert (loss_ax.get_xlabel(), loss_ax.get_ylabel()) == ("epoch", "loss")
    assert (acc_ax.get_xlabel(), acc_ax.get_ylabel()) == ("epoch", "accuracy")
    assert legend_texts(loss_ax) == ["train loss"]
    assert legend_texts(acc_ax) == ["train acc", "test acc"]
    assert [list(line.get_ydata()) for line in loss_ax.get_lines()] == [[0.9, 0.6, 0.4]]
    assert [list(line.get_ydata()) for line in acc_ax.get_lines()] == [
        [0.5, 0.7, 0.8], [0.6, 0.72, 0.79]]
    assert [line.get_marker() for line in acc_ax.get_lines()] == ["s", "^"]
    with pytest.raises(ValueError, match="got 2 y values for a legend of 3 curves"):
        d2l.Animator(legend=["train loss", "train acc", "test acc"]).add(1, (0.5, 0.5))


@pytest.mark.parametrize("legend", [["loss", "lr"], ["train acc", "test acc"], None])
def test_animator_keeps_one_panel_unless_the_legend_names_losses_and_accuracies(legend):
    animator = d2l.Animator(legend=legend)
    assert len(animator.axes) == 1
    assert list(animator.fig.get_size_inches()) == [3.5, 2.5]


def _legend_box(ax):
    ax.figure.canvas.draw()
    return ax.get_legend().get_window_extent().bounds


def test_animator_legend_stays_in_place_from_frame_to_frame():
    """With loc='best' the legend hopped to whichever corner was emptiest in each frame."""
    animator = d2l.Animator(xlabel="epoch", legend=["train loss", "train acc", "test acc"],
                            xlim=[1, 5], fmts=("-o", "m--s", "g-.^"))
    boxes = []
    # Curves that sweep through every corner of both panels over the frames.
    for epoch, (loss, acc) in enumerate([(2.0, 0.1), (0.1, 0.95), (1.9, 0.9), (0.2, 0.1),
                                         (1.0, 0.5)], start=1):
        animator.add(epoch, (loss, acc, 1 - acc))
        boxes.append([_legend_box(ax) for ax in animator.axes])
    assert all(box == boxes[0] for box in boxes)
    assert [ax.get_legend()._loc for ax in animator.axes] == [1, 4]  # upper / lower right


def test_animator_skips_none_and_keeps_the_number_of_curves():
    animator = d2l.Animator(nrows=2, ncols=2)
    assert len(animator.axes) == 4
    animator.add(1, [None, 2.0])
    animator.add([2, 3], [1.0, 4.0])
    lines = animator.axes[0].get_lines()
    assert [list(line.get_xdata()) for line in lines] == [[2], [1, 3]]
    with pytest.raises(ValueError, match="Animator.add: got 1 y values, earlier calls had 2"):
        animator.add(4, 1.0)
    with pytest.raises(ValueError, match="Animator.add: got 3 x values for 2 y values"):
        animator.add([1, 2, 3], [1.0, 2.0])


def test_live_animator_displays_once_then_updates_the_same_display(monkeypatch):
    calls = []

    class Handle:
        def update(self, obj):
            calls.append(("update", obj))

    def display(obj, display_id=None):
        calls.append(("display", obj, display_id))
        return Handle()

    monkeypatch.setattr(ipython_display, "display", display)
    animator = d2l.Animator(legend=["a"], live=True)
    assert animator.fig.number not in plt.get_fignums()  # the inline backend won't show it again
    for i in range(3):
        animator.add(i, i * i)
    assert calls == [("display", animator.fig, True), ("update", animator.fig),
                     ("update", animator.fig)]


def test_show_images_fills_a_grid_with_titles_and_returns_the_axes():
    imgs = nd.random.uniform(shape=(3, 1, 28, 28))
    axes = d2l.show_images(imgs, 2, 2, titles=["a", "b", "c"], scale=1.0)
    assert len(axes) == 4 and len(plt.get_fignums()) == 1
    assert list(axes[0].figure.get_size_inches()) == [2.0, 2.0]
    for i in range(3):
        np.testing.assert_array_equal(axes[i].get_images()[0].get_array(), imgs[i, 0].asnumpy())
        assert axes[i].get_title() == "abc"[i]
        assert not axes[i].get_xaxis().get_visible()
    assert axes[3].get_images() == [] and not axes[3].axison


@pytest.mark.parametrize("img, vmax", [
    (np.full((28, 28), 10, dtype=np.uint8), 255),  # bytes: 0 black, 255 white
    (nd.full((1, 28, 28), 0.1), 1),  # ToTensor's float32 in [0, 1], channel first
    (np.full((28, 28, 1), 0.1, dtype=np.float32), 1),  # Gluon's HWC layout
])
def test_show_images_draws_grey_images_in_grey_on_a_fixed_scale(img, vmax):
    ax = d2l.show_images([img], 1, 1)[0]
    image = ax.get_images()[0]
    assert image.get_cmap().name == "gray"
    assert image.get_clim() == (0, vmax)  # a dark image stays dark, not stretched to white
    assert image.get_array().shape == (28, 28)


def test_show_images_scales_other_float_images_to_their_range_in_grey():
    img = np.linspace(-2.0, 3.0, 28 * 28).reshape(28, 28)  # e.g. a difference of mean images
    image = d2l.show_images([img], 1, 1)[0].get_images()[0]
    assert image.get_cmap().name == "gray"
    assert image.get_clim() == (-2.0, 3.0)


def test_show_images_leaves_colour_images_alone():
    img = np.zeros((8, 8, 3), dtype=np.uint8)
    image = d2l.show_images([img], 1, 1)[0].get_images()[0]
    assert image.get_array().shape == (8, 8, 3)


def test_show_images_rejects_bad_grids_and_titles():
    imgs = np.zeros((5, 28, 28))
    with pytest.raises(ValueError, match=r"5 images do not fit a 2x2 grid"):
        d2l.show_images(imgs, 2, 2)
    with pytest.raises(ValueError, match="show_images: 2 titles for 5 images"):
        d2l.show_images(imgs, 1, 5, titles=["a", "b"])
    with pytest.raises(ValueError, match="show_images: num_rows must be an int >= 1"):
        d2l.show_images(imgs, 0, 5)


@pytest.mark.parametrize("shape", [(4, 1, 28, 28), (4, 28, 28)])
@pytest.mark.parametrize("as_nd", [True, False])
def test_show_fashion_mnist_shows_one_row_titled_with_the_labels(shape, as_nd):
    images = np.arange(np.prod(shape), dtype=np.float32).reshape(shape) / np.prod(shape)
    labels = ["t-shirt", "trouser", "pullover", "dress"]
    assert d2l.show_fashion_mnist(nd.array(images) if as_nd else images, labels) is None
    axes = plt.gcf().get_axes()
    assert [ax.get_title() for ax in axes] == labels
    assert {ax.get_subplotspec().get_geometry()[:2] for ax in axes} == {(1, 4)}  # one row
    np.testing.assert_array_equal(axes[2].get_images()[0].get_array(),
                                  images[2].reshape(28, 28))


@pytest.mark.parametrize("n, width", [(2, 3.0), (4, 6.0), (10, 7.0), (20, 7.0)])
def test_show_fashion_mnist_rows_fit_a_slide(n, width):
    d2l.show_fashion_mnist(np.zeros((n, 28, 28), dtype=np.uint8), ["bag"] * n)
    assert plt.gcf().get_size_inches()[0] == pytest.approx(width)
    image = plt.gcf().get_axes()[0].get_images()[0]
    assert image.get_cmap().name == "gray" and image.get_clim() == (0, 255)


def test_show_fashion_mnist_needs_one_label_per_image():
    with pytest.raises(ValueError, match="show_fashion_mnist: need one label per image"):
        d2l.show_fashion_mnist(np.zeros((3, 28, 28)), ["a", "b"])


# ----------------------------------------------------------------------------- in a real kernel
ANIMATOR_CELL = """\
animator = d2l.Animator(xlabel='epoch', legend=['loss', 'acc'], fmts=('-o', 'm--s'))
for epoch in range(1, 6):
    print('epoch', epoch)
    animator.add(epoch, (1 / epoch, epoch / 10))"""

TRAIN_CELL = """\
from mxnet import nd
d2l.set_seed(0)
X = nd.random.normal(shape=(64, 2))
y = (X[:, 0] > 0).astype('float32')
W, b = nd.zeros((2, 2)), nd.zeros(2)
W.attach_grad(); b.attach_grad()
net = lambda X: nd.dot(X, W) + b
loss = lambda y_hat, y: -nd.pick(nd.log_softmax(y_hat), y)
batches = [(X[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16)]
history = d2l.train_ch3(net, batches, batches, loss, 3, 16, [W, b], 0.5)"""


def run_in_kernel(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(src) for src in (
        "import d2l_utils as d2l\nd2l.use_svg_display()\nprint(d2l.__file__)",
        ANIMATOR_CELL,
        "print(len(d2l.plt.get_fignums()))",
        TRAIN_CELL,
    )]
    NotebookClient(nb, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    return nb


def images(outputs):
    return [o for o in outputs if o.output_type in ("display_data", "execute_result")
            and "image/svg+xml" in o.get("data", {})]


@pytest.mark.slow
def test_in_a_kernel_the_live_plot_is_one_figure_updated_in_place(tmp_path, monkeypatch):
    """Executed as nbconvert/nbclient does, with the inline backend a user has in JupyterLab."""
    monkeypatch.delenv("MPLBACKEND", raising=False)
    # The kernel imports the d2l_utils under test, whatever the environment has installed.
    repo = str(Path(__file__).resolve().parents[1])
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [
        repo, os.environ.get("PYTHONPATH")])))
    first = run_in_kernel(tmp_path)
    assert first.cells[0].outputs[0].text.startswith(repo)
    for cell in first.cells:
        assert [o for o in cell.outputs if o.get("name") == "stderr"] == []
    animator_out = first.cells[1].outputs
    assert len(images(animator_out)) == 1
    # The first line is printed before the first add() displays the figure, the rest under it
    # (how the kernel batches printed text into stream messages varies with the machine's load).
    split = [o.output_type == "stream" for o in animator_out].index(False)
    assert "".join(o.text for o in animator_out[:split]) == "epoch 1\n"
    assert "".join(o.text for o in animator_out[split + 1:]) == "".join(
        f"epoch {i}\n" for i in range(2, 6))
    svg = images(animator_out)[0].data["image/svg+xml"]
    # The kept frame is the last one: its x axis is labelled up to epoch 5.
    assert re.findall(r"<!-- (\S+) -->", svg)[:6] == ["1", "2", "3", "4", "5", "epoch"]
    assert "<dc:date>" not in svg
    assert first.cells[2].outputs[0].text == "0\n"  # nothing left for the inline backend
    train_out = first.cells[3].outputs
    assert len(images(train_out)) == 1
    printed = "".join(o.text for o in train_out if o.output_type == "stream")
    assert re.fullmatch(r"(epoch \d, loss \d\.\d{4}, train acc \d\.\d{3}, test acc \d\.\d{3}\n){3}",
                        printed)
    # Re-executing gives byte-identical SVG (fixed ids, no date).
    second = run_in_kernel(tmp_path)
    assert images(second.cells[1].outputs)[0].data["image/svg+xml"] == svg
