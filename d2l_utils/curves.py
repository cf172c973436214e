"""Curves drawn on pyplot's current figure, the first edition's way: semilogy, xyplot.

Book sections 3.8 (``xyplot``: activation functions), 3.11 and 3.12
(``semilogy``: training and test loss per epoch).  The course's chapters draw
with ``d2l.plot`` and ``d2l.Animator`` (plotting.py); these keep book code
running.  Both go through ``set_figsize``, so figures are SVG with fixed ids
(nbval compares them byte for byte) in the course's colour style.
"""

from .plotting import _to_numpy, in_jupyter_kernel, set_figsize

# pyplot is imported in the functions that draw: plotting.py says why.


def show_figure():
    """Show the current figure where the book's ``plt.show()`` would.

    In a Jupyter kernel (the inline backend displays and closes it) and
    under an interactive backend (a window); with a non-interactive one
    (Agg: scripts, pytest) the figure stays open for ``savefig`` instead of
    a "cannot be shown" warning.  Book section 3.11 (``semilogy``).
    """
    from matplotlib import pyplot as plt
    from matplotlib import rcsetup
    if in_jupyter_kernel() or plt.get_backend().lower() not in rcsetup.non_interactive_bk:
        plt.show()


def semilogy(x_vals, y_vals, x_label, y_label, x2_vals=None, y2_vals=None,
             legend=None, figsize=(3.5, 2.5)):
    """Plot ``y_vals`` against ``x_vals`` on a log y axis, optionally a second, dotted curve.

    The book's signature and drawing (sections 3.11 and 3.12): a second curve
    (x2_vals, y2_vals) gets ``linestyle=':'`` and the ``legend`` (e.g.
    ['train', 'test']); then the figure is shown (``show_figure``).  Values
    may be lists, ranges, NumPy arrays or NDArrays (the book's ``if x2_vals
    and y2_vals`` fails on arrays; here "given" means "not None").
    """
    if (x2_vals is None) != (y2_vals is None):
        raise ValueError("semilogy: pass both x2_vals and y2_vals for a second curve, or neither")
    set_figsize(figsize)
    from matplotlib import pyplot as plt
    plt.xlabel(x_label)
    plt.ylabel(y_label)
    plt.semilogy(_to_numpy(x_vals), _to_numpy(y_vals))
    if x2_vals is not None:
        plt.semilogy(_to_numpy(x2_vals), _to_numpy(y2_vals), linestyle=':')
        plt.legend(legend)
    show_figure()


def xyplot(x_vals, y_vals, name):
    """Plot ``name(x)`` against x on a 5 x 2.5 inch figure, y-labelled ``name + '(x)'``.

    The function the book's section 3.8 writes for ReLU, sigmoid and tanh and
    their gradients (not in d2lzh's package; here so book code can call
    ``d2l.xyplot``).  x_vals, y_vals: NDArrays (as in the book) or NumPy
    arrays.  Like the book it does not call show: the figure appears at the
    end of the notebook cell.  The course's chapter 06_mlp_from_scratch.ipynb
    plots the same curves with ``d2l.plot_activations``.
    """
    set_figsize(figsize=(5, 2.5))
    from matplotlib import pyplot as plt
    plt.plot(_to_numpy(x_vals), _to_numpy(y_vals))
    plt.xlabel('x')
    plt.ylabel(name + '(x)')
