"""Optimizers on a function of two variables: train_2d and show_trace_2d.

Book sections 7.2 (gradient descent) to 7.8 (Adam) run each update rule for
20 steps from (-5, -2) on a quadratic and draw its path over the contours.
The course's chapter 10_optimization.ipynb teaches the same update rules
(SGD, momentum, RMSProp, Adam) on Fashion-MNIST.
"""

import numpy as np

from .plotting import set_figsize

# pyplot is imported in the functions that draw: plotting.py says why.

START = (-5, -2)   # the book's starting point (x1, x2)
NUM_STEPS = 20     # and its number of steps
TRACE_COLOR, CONTOUR_COLOR = '#ff7f0e', '#1f77b4'  # the book's orange path on blue contours


def train_2d(trainer):
    """Run ``trainer`` 20 times from (x1, x2) = (-5, -2); print the end point; return the path.

    ``trainer(x1, x2, s1, s2) -> (x1, x2, s1, s2)``: one step of an update
    rule, with two state variables (momentum, squared-gradient sums...) that
    start at 0.  Returns the 21 points [(x1, x2), ...], start included, and
    prints ``epoch 20, x1 ..., x2 ...`` as the book does.  Book section 7.2.
    """
    if not callable(trainer):
        raise TypeError(f"train_2d: trainer must be a function (x1, x2, s1, s2) -> "
                        f"(x1, x2, s1, s2), got {trainer!r}")
    x1, x2 = START
    s1, s2 = 0, 0
    res = [(x1, x2)]
    for _ in range(NUM_STEPS):
        step = trainer(x1, x2, s1, s2)
        if not isinstance(step, tuple | list) or len(step) != 4:
            raise ValueError(f"train_2d: trainer returned {step!r}; it must return the four "
                             "values (x1, x2, s1, s2), states included (0, 0 if unused)")
        x1, x2, s1, s2 = step
        res.append((x1, x2))
    print(f'epoch {NUM_STEPS}, x1 {x1:f}, x2 {x2:f}')
    return res


def show_trace_2d(f, res):
    """Draw the path ``res`` (from ``train_2d``) over the contour lines of ``f(x1, x2)``.

    ``f`` takes NumPy arrays (a meshgrid).  The grid spans x1 in [-5.5, 1)
    and x2 from min(-3, lowest x2 - 1) to max(1, highest x2 + 1), as in
    d2lzh, so paths that overshoot stay on the figure.  Draws on the current
    figure (3.5 x 2.5 inches, SVG) and does not show it: the notebook cell
    does.  Book section 7.2.
    """
    if len(res) == 0:
        raise ValueError("show_trace_2d: res holds no points; pass the list train_2d returns")
    x1, x2 = zip(*res, strict=True)
    set_figsize()
    from matplotlib import pyplot as plt
    plt.plot(x1, x2, '-o', color=TRACE_COLOR)
    g1 = np.arange(-5.5, 1.0, 0.1)
    g2 = np.arange(min(-3.0, min(x2) - 1), max(1.0, max(x2) + 1), 0.1)
    g1, g2 = np.meshgrid(g1, g2)
    plt.contour(g1, g2, f(g1, g2), colors=CONTOUR_COLOR)
    plt.xlabel('x1')
    plt.ylabel('x2')
