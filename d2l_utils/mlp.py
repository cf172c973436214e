"""Multilayer perceptrons: activations and their derivatives, decision regions,
parameter counts, first-layer weights as images, and a Gluon MLP builder.

Introduced in chapters/06_mlp_from_scratch.ipynb (from scratch) and
chapters/07_mlp_concise_gluon.ipynb (with Gluon).
"""

import numpy as np
from mxnet import autograd, nd
from mxnet.gluon import nn

from .arguments import check_number
from .plotting import set_axes, use_svg_display

# pyplot is imported in the functions that draw: plotting.py says why.

__all__ = ["ACTIVATIONS", "activation_and_grad", "plot_activations", "make_rings",
           "plot_decision_regions", "count_params", "mlp_param_count", "mlp_net",
           "show_weights"]

ACTIVATIONS = {
    "relu": nd.relu,
    "sigmoid": nd.sigmoid,
    "tanh": nd.tanh,
    "leaky relu (0.1)": lambda x: nd.LeakyReLU(x, act_type="leaky", slope=0.1),
}
"""The activation functions of chapter 06, by name, as MXNet operators."""


def activation_and_grad(fn, x):
    """(fn(x), d fn(x) / dx) as NumPy arrays, the derivative computed by autograd.

    fn: an elementwise function of an NDArray (e.g. ``nd.relu``); x: a 1-D
    NDArray or array-like of points.  Because fn is elementwise, the gradient
    of ``fn(x).sum()`` is the derivative at every point.  At a kink (ReLU at 0)
    you get the value MXNet's backward uses (0 for ``nd.relu``).
    Introduced in chapters/06_mlp_from_scratch.ipynb.
    """
    if not callable(fn):
        raise TypeError(f"activation_and_grad: fn must be a function, got {fn!r}")
    x = nd.array(x) if not isinstance(x, nd.NDArray) else x.copy()
    if x.ndim != 1:
        raise ValueError(f"activation_and_grad: x must be 1-D, got shape {x.shape}")
    x.attach_grad()
    with autograd.record():
        y = fn(x)
    if not isinstance(y, nd.NDArray) or y.shape != x.shape:
        raise ValueError(f"activation_and_grad: fn must be elementwise, returning an NDArray "
                         f"of shape {x.shape}, got {getattr(y, 'shape', type(y).__name__)}")
    y.backward()
    return y.asnumpy(), x.grad.asnumpy()


def plot_activations(fns=None, x=None, figsize=(7, 2.8)):
    """Two panels: each activation (left) and its autograd derivative (right).

    fns: dict name -> elementwise function (default ``ACTIVATIONS``);
    x: the points (default 201 points in [-5, 5]).  Returns the two axes.
    Introduced in chapters/06_mlp_from_scratch.ipynb.
    """
    fns = ACTIVATIONS if fns is None else fns
    if not fns:
        raise ValueError("plot_activations: fns is empty; pass {name: function, ...}")
    fmts = ["-", "m--", "g-.", "r:", "c-", "k--"]
    if len(fns) > len(fmts):
        raise ValueError(f"plot_activations: at most {len(fmts)} functions, got {len(fns)}")
    x = np.linspace(-5, 5, 201, dtype=np.float32) if x is None else np.asarray(x, np.float32)
    use_svg_display()
    from matplotlib import pyplot as plt
    fig, (left, right) = plt.subplots(1, 2, figsize=figsize)
    for (name, fn), fmt in zip(fns.items(), fmts, strict=False):
        y, dy = activation_and_grad(fn, x)
        left.plot(x, y, fmt, label=name)
        right.plot(x, dy, fmt, label=name)
    set_axes(left, "x", "f(x)", None, None, "linear", "linear", None)
    set_axes(right, "x", "f'(x) (autograd)", None, None, "linear", "linear", None)
    left.legend(fontsize="small")
    fig.tight_layout()
    return left, right


def make_rings(n=400, noise=0.15, seed=0):
    """A 2-D toy set no straight line can separate: a disc (class 0) inside a ring (class 1).

    Returns (X, y): NDArrays float32 (n, 2) and (n,), classes alternating
    (n // 2 of each when n is even).  Radii: about 0.5 (disc) and 1.5 (ring),
    plus Gaussian ``noise``.  Drawn from a private generator (``seed``), so
    the global seed does not move.  Introduced in chapters/06_mlp_from_scratch.ipynb.
    """
    n = check_number("make_rings: n", n, int, 2)
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    radius = np.where(y == 0, rng.uniform(0, 0.8, n), rng.uniform(1.2, 1.8, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    X = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    X += rng.normal(0, noise, X.shape)
    return nd.array(X, dtype="float32"), nd.array(y, dtype="float32")


def _predicted_classes(predict, points):
    scores = predict(nd.array(points))
    if not isinstance(scores, nd.NDArray):
        raise TypeError(f"plot_decision_regions: predict must return an NDArray, got "
                        f"{type(scores).__name__}")
    if scores.ndim == 2 and scores.shape[0] == len(points):
        return scores.argmax(axis=1).asnumpy()
    if scores.shape == (len(points),):
        return scores.asnumpy()
    raise ValueError(f"plot_decision_regions: predict(points) must return (m, classes) scores "
                     f"or (m,) labels for m={len(points)} points, got shape {scores.shape}")


def plot_decision_regions(predict, X, y, ax=None, title=None, resolution=120, margin=0.3):
    """Colour the plane by the class ``predict`` assigns and scatter the labelled points.

    predict: NDArray (m, 2) -> (m, classes) scores (or (m,) labels); X: (n, 2)
    points, y: (n,) labels (NDArray or NumPy).  The regions are an image of
    the predicted class on a ``resolution`` x ``resolution`` grid, so the
    picture changes only where a grid point changes class.  Returns the axes.
    Introduced in chapters/06_mlp_from_scratch.ipynb.
    """
    X = X.asnumpy() if isinstance(X, nd.NDArray) else np.asarray(X)
    y = y.asnumpy() if isinstance(y, nd.NDArray) else np.asarray(y)
    if X.ndim != 2 or X.shape[1] != 2 or y.shape != (X.shape[0],):
        raise ValueError(f"plot_decision_regions: X must be (n, 2) and y (n,), got X "
                         f"{X.shape} and y {y.shape}")
    use_svg_display()
    from matplotlib import pyplot as plt
    if ax is None:
        _, ax = plt.subplots(figsize=(3.2, 3.0))
    lo, hi = X.min(axis=0) - margin, X.max(axis=0) + margin
    xs = np.linspace(lo[0], hi[0], resolution, dtype=np.float32)
    ys = np.linspace(lo[1], hi[1], resolution, dtype=np.float32)
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    classes = _predicted_classes(predict, grid).reshape(resolution, resolution)
    ax.imshow(classes, origin="lower", extent=(lo[0], hi[0], lo[1], hi[1]), cmap="coolwarm",
              vmin=0, vmax=max(1, int(y.max())), alpha=0.35, aspect="auto",
              interpolation="nearest")
    for label, marker in zip(np.unique(y), "o^sv<>", strict=False):
        ax.scatter(*X[y == label].T, s=8, marker=marker, label=f"class {label:g}",
                   color=plt.get_cmap("coolwarm")(label / max(1, y.max())), edgecolors="k",
                   linewidths=0.3)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def count_params(net_or_params):
    """The number of scalars a model learns.

    net_or_params: an initialised Gluon block (every parameter's shape known:
    call it once on a batch after ``initialize``) or a sequence of NDArrays
    (the from-scratch ``params``).  Introduced in chapters/06_mlp_from_scratch.ipynb.
    """
    if hasattr(net_or_params, "collect_params"):
        total = 0
        for name, p in net_or_params.collect_params().items():
            if p.shape is None or 0 in p.shape:
                raise ValueError(f"count_params: parameter {name} has unknown shape {p.shape} "
                                 "(deferred initialisation); call net(X) once on a batch first")
            total += int(np.prod(p.shape))
        return total
    if isinstance(net_or_params, nd.NDArray) or not hasattr(net_or_params, "__iter__"):
        raise TypeError("count_params: pass a Gluon block or a list of NDArrays, got "
                        f"{type(net_or_params).__name__}")
    return sum(int(np.prod(p.shape)) for p in net_or_params)


def mlp_param_count(sizes):
    """Weights and biases of a dense MLP with layer ``sizes`` (inputs first, outputs last).

    ``sum(n_in * n_out + n_out)`` over consecutive pairs: [784, 256, 10] has
    784*256 + 256 + 256*10 + 10 = 203530.  Introduced in
    chapters/06_mlp_from_scratch.ipynb.
    """
    sizes = list(sizes)
    if len(sizes) < 2:
        raise ValueError(f"mlp_param_count: sizes must be >= 2 positive ints "
                         f"(inputs, hidden..., outputs), got {sizes!r}")
    sizes = [check_number(f"mlp_param_count: sizes[{i}]", s, int, 1) for i, s in enumerate(sizes)]
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:], strict=True))


def mlp_net(hidden, num_outputs=10, activation="relu"):
    """An uninitialised ``nn.HybridSequential``: one ``Dense(h, activation)`` per hidden
    size, then ``Dense(num_outputs)`` (logits, no softmax).

    hidden: hidden-layer sizes, e.g. [300, 100]; activation: a Gluon name
    ('relu', 'sigmoid', 'tanh', 'softrelu') or None.  Introduced in
    chapters/07_mlp_concise_gluon.ipynb.
    """
    hidden = [check_number(f"mlp_net: hidden[{i}]", h, int, 1) for i, h in enumerate(hidden)]
    net = nn.HybridSequential()
    for units in hidden:
        net.add(nn.Dense(units, activation=activation))
    net.add(nn.Dense(num_outputs))
    return net


def show_weights(W, num_rows, num_cols, shape=(28, 28), titles=None, scale=1.0):
    """Show the first num_rows * num_cols rows of W as grey images, one per hidden unit.

    W: (units, pixels) NDArray or NumPy, e.g. Gluon's ``net[0].weight.data()``
    (for a from-scratch ``W1`` of shape (pixels, units) pass ``W1.T``).  Each
    image has its own symmetric range, so 0 is mid-grey, positive weights
    light and negative dark.  Returns the axes.
    Introduced in chapters/06_mlp_from_scratch.ipynb.
    """
    W = W.asnumpy() if isinstance(W, nd.NDArray) else np.asarray(W)
    n = num_rows * num_cols
    if W.ndim != 2 or W.shape[1] != shape[0] * shape[1] or W.shape[0] < n:
        raise ValueError(f"show_weights: W must be (units >= {n}, {shape[0] * shape[1]}) "
                         f"(one row per unit), got {W.shape}; for a (pixels, units) matrix "
                         "pass its transpose")
    use_svg_display()
    from matplotlib import pyplot as plt
    _, axes = plt.subplots(num_rows, num_cols, figsize=(num_cols * scale, num_rows * scale),
                           squeeze=False)
    for i, ax in enumerate(axes.ravel()):
        w = W[i].reshape(shape)
        bound = float(np.abs(w).max()) or 1.0
        ax.imshow(w, cmap="gray", vmin=-bound, vmax=bound)
        ax.set_xticks([])
        ax.set_yticks([])
        if titles is not None:
            ax.set_title(titles[i], fontsize="small")
    return axes.ravel()
