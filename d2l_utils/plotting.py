"""Figures: the course's style, line plots and a live plot that updates in place.

Introduced in chapters/00_getting_started.ipynb (the style) and
chapters/03_softmax_from_scratch.ipynb (training curves); image grids are in
``images``.  In a Jupyter
kernel ``Animator`` shows one figure and updates it through a display id;
elsewhere (plain Python, pytest) it only draws, and ``animator.fig`` stays
open for ``savefig`` or ``plt.show()``.

pyplot is imported inside the functions that draw, not with this module: it takes about
0.25 s, which ``import d2l_utils`` (every kernel, every command-line run) would pay even
when nothing is drawn.  ``plotting.plt`` and ``d2l.plt`` still give pyplot (``__getattr__``).
"""

from cycler import cycler
from mxnet import nd

# Fixed salt for the ids matplotlib writes into SVG, so a re-run is byte-identical.
SVG_HASHSALT = "d2l-utils"
# Okabe & Ito's palette, which stays distinct under the common colour-vision deficiencies;
# yellow (#F0E442) is left out: it vanishes on a white projector screen.
OKABE_ITO = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
# Each colour comes with its own line style, so series never differ by colour alone
# (a grey-scale printout or a deuteranope tells them apart too).
LINE_STYLES = ("-", "--", "-.", ":", (0, (5, 1)), (0, (3, 1, 1, 1, 1, 1)), (0, (1, 3)))
COURSE_STYLE = {"axes.prop_cycle": cycler(color=OKABE_ITO) + cycler(linestyle=LINE_STYLES)}


def __getattr__(name):
    """``plotting.plt``: matplotlib.pyplot, imported on first use (see the module docstring)."""
    if name == "plt":
        from matplotlib import pyplot
        return pyplot
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def in_jupyter_kernel():
    """True when running inside a Jupyter (IPython) kernel, e.g. JupyterLab or nbconvert.

    Introduced in chapters/03_softmax_from_scratch.ipynb (the live plot's default).
    """
    try:
        from IPython import get_ipython
    except ImportError:
        return False
    return getattr(get_ipython(), "kernel", None) is not None


def use_svg_display():
    """Show figures as SVG in Jupyter, reproducibly (no date, fixed ids), in the course's style.

    The style (``COURSE_STYLE``) gives hand-drawn series colour-blind-safe colours, each with
    its own line style.  Outside IPython it only sets the SVG id salt and the style.
    Introduced in chapters/00_getting_started.ipynb.
    """
    from matplotlib import pyplot as plt
    plt.rcParams["svg.hashsalt"] = SVG_HASHSALT
    plt.rcParams.update(COURSE_STYLE)
    try:
        from IPython import get_ipython
    except ImportError:
        return
    if get_ipython() is not None:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
        set_matplotlib_formats("svg", metadata={"Date": None})


def set_figsize(figsize=(3.5, 2.5)):
    """Use SVG display and set the default figure size (width, height) in inches.

    Introduced in chapters/01_fashion_mnist.ipynb.
    """
    from matplotlib import pyplot as plt
    use_svg_display()
    plt.rcParams["figure.figsize"] = figsize


def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend, legend_loc=None):
    """Label, scale and limit one matplotlib ``Axes``; add ``legend`` (list of str) and a grid.

    ``legend_loc``: where the legend goes (a matplotlib ``loc`` such as
    ``'upper right'``); None lets matplotlib pick the emptiest corner ('best'),
    which can move when the data change.  Introduced in
    chapters/03_softmax_from_scratch.ipynb.
    """
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_xscale(xscale)
    axes.set_yscale(yscale)
    axes.set_xlim(xlim)
    axes.set_ylim(ylim)
    if legend:
        axes.legend(legend, loc=legend_loc or 'best')
    axes.grid()


def _to_numpy(a):
    return a.asnumpy() if isinstance(a, nd.NDArray) else a


def _has_one_axis(a):
    return (getattr(a, "ndim", None) == 1
            or isinstance(a, list | tuple) and not hasattr(a[0], "__len__"))


def plot(X, Y=None, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None,
         xscale='linear', yscale='linear', fmts=('-', 'm--', 'g-.', 'r:'),
         figsize=(3.5, 2.5), axes=None):
    """Plot one or more curves: ``Y`` against ``X``, or ``X`` against its index.

    X, Y: 1-D sequences (n,), or lists of them (one per curve); NDArrays are
    accepted.  Draws on ``axes`` (default: the current axes; a new figure of
    ``figsize`` if there is none).  Unlike the book's ``plot``, it leaves the
    default figure size alone (``set_figsize`` changes it on purpose).
    Introduced in chapters/02_softmax_regression.ipynb.
    """
    X = [X] if _has_one_axis(X) else list(X)
    if Y is None:
        X, Y = [[]] * len(X), X
    else:
        Y = [Y] if _has_one_axis(Y) else list(Y)
    if len(X) != len(Y):
        if len(X) != 1:
            raise ValueError(f"plot: got {len(X)} x sequences for {len(Y)} y sequences; "
                             "pass one x for all curves or one per curve")
        X = X * len(Y)
    if len(Y) > len(fmts):
        raise ValueError(f"plot: {len(Y)} curves but only {len(fmts)} fmts; pass more fmts")
    use_svg_display()
    from matplotlib import pyplot as plt
    if axes is None:
        with plt.rc_context({"figure.figsize": figsize}):  # for this figure only
            axes = plt.gca()
    axes.cla()
    for x, y, fmt in zip(X, Y, fmts[:len(Y)], strict=True):
        x, y = _to_numpy(x), _to_numpy(y)
        if len(x):
            axes.plot(x, y, fmt)
        else:
            axes.plot(y, fmt)
    set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend)


def _loss_acc_panels(legend):
    """Panel index per curve (0: loss, 1: accuracy) if ``legend`` names both kinds, else None.

    A name ending in "loss" is a loss; one ending in "acc" or "accuracy" an accuracy.
    """
    if not legend:
        return None
    panels = []
    for name in legend:
        name = str(name).strip().lower()
        if name.endswith("loss"):
            panels.append(0)
        elif name.endswith(("acc", "accuracy")):
            panels.append(1)
        else:
            return None
    return panels if set(panels) == {0, 1} else None


class Animator:
    """A line plot that grows point by point, e.g. loss and accuracy per epoch.

    ``add(x, y)`` appends one point per curve (y: a number or a list, one per
    curve) and redraws.  When ``ylabel`` is None and ``legend`` names both
    losses (names ending in "loss") and accuracies (ending in "acc" or
    "accuracy"), as ``train_ch3``'s does, the curves go on two panels side by
    side, y-labelled "loss" and "accuracy", because the two are on different
    scales; the figure is then twice as wide and 20% lower (so that it fits a
    slide with the training log under it).  Otherwise all curves share
    ``self.axes[0]``.  Legends stay at a fixed place (``legend_loc``; default
    'upper right', and 'lower right' on the accuracy panel, where rising
    curves leave room), so they do not jump from frame to frame.  ``ylim``
    applies to every panel.

    In a Jupyter kernel the figure is displayed once and then updated in place
    through its display id (printed output around it is kept); the pyplot
    figure is closed so the cell does not show it twice.  ``live=False`` (the
    default outside a kernel) never displays; ``self.fig`` then stays open.
    Introduced in chapters/03_softmax_from_scratch.ipynb.
    """

    def __init__(self, xlabel=None, ylabel=None, legend=None, xlim=None, ylim=None,
                 xscale='linear', yscale='linear', fmts=('-', 'm--', 'g-.', 'r:'),
                 nrows=1, ncols=1, figsize=(3.5, 2.5), *, live=None, legend_loc=None):
        from matplotlib import pyplot as plt
        use_svg_display()
        self.panels = (_loss_acc_panels(legend)
                       if ylabel is None and nrows * ncols == 1 else None)
        if self.panels is not None:
            nrows, ncols, figsize = 1, 2, (2 * figsize[0], 0.8 * figsize[1])
            panel_config = [("loss", legend_loc or "upper right"),
                            ("accuracy", legend_loc or "lower right")]
        else:
            panel_config = [(ylabel, legend_loc or "upper right")]
        self.fig, axes = plt.subplots(nrows, ncols, figsize=figsize, squeeze=False)
        self.axes = axes.ravel()
        legend = list(legend) if legend else []

        def config_axes():
            for k, (label, loc) in enumerate(panel_config):
                names = [name for i, name in enumerate(legend) if self._panel(i) == k]
                set_axes(self.axes[k], xlabel, label, xlim, ylim, xscale, yscale, names, loc)
            if self.panels is not None:
                self.fig.subplots_adjust(wspace=0.3, bottom=0.2)

        self.config_axes = config_axes
        self.X, self.Y, self.fmts = None, None, fmts
        self.live = in_jupyter_kernel() if live is None else bool(live)
        self.display_handle = None
        if self.live:
            plt.close(self.fig)  # shown through the display handle, not by the inline backend

    def _panel(self, i):
        """Index into ``self.axes`` of the panel that draws curve ``i``."""
        return 0 if self.panels is None else self.panels[i]

    def add(self, x, y):
        """Append point(s) ``(x, y)`` and redraw; None values are skipped."""
        if not hasattr(y, "__len__"):
            y = [y]
        n = len(y)
        if not hasattr(x, "__len__"):
            x = [x] * n
        if len(x) != n:
            raise ValueError(f"Animator.add: got {len(x)} x values for {n} y values")
        if self.Y is None:
            if n > len(self.fmts):
                raise ValueError(f"Animator.add: {n} curves but only {len(self.fmts)} fmts")
            if self.panels is not None and n != len(self.panels):
                raise ValueError(f"Animator.add: got {n} y values for a legend of "
                                 f"{len(self.panels)} curves")
            self.X, self.Y = [[] for _ in range(n)], [[] for _ in range(n)]
        if n != len(self.Y):
            raise ValueError(
                f"Animator.add: got {n} y values, earlier calls had {len(self.Y)}")
        for i, (a, b) in enumerate(zip(x, y, strict=True)):
            if a is not None and b is not None:
                self.X[i].append(a)
                self.Y[i].append(b)
        for ax in self.axes:
            ax.cla()
        for i, (xs, ys, fmt) in enumerate(zip(self.X, self.Y, self.fmts[:n], strict=True)):
            self.axes[self._panel(i)].plot(xs, ys, fmt)
        self.config_axes()
        if self.live:
            self.show()

    def show(self):
        """Display the figure now (live mode only); later ``add`` calls update it in place.

        Showing it before any point is added keeps text printed during training
        in one block under the plot.
        """
        if not self.live:
            return
        if self.X is None:
            self.config_axes()
        from IPython.display import display
        if self.display_handle is None:
            self.display_handle = display(self.fig, display_id=True)
        else:
            self.display_handle.update(self.fig)
