"""Self-checks for the exercises of chapters/06_mlp_from_scratch.ipynb.

Each ``check_*`` calls the student's function on fixed and random inputs,
compares it with an independent reference (MXNet's own operators and autograd,
Gluon's parameter shapes), prints one verdict line and returns True or False.
Random inputs come from a private NumPy generator, so a check never moves the
notebook's global seed.
"""

import numbers

import numpy as np
from mxnet import nd
from mxnet.gluon import nn

from ._choice import _choice, _not_yet, _report
from ._common import _call, _fmt, _gradient, _verdict, _worst

_RNG_SEED = 2026
_TOL = 1e-5


def _points(rng):
    return [nd.array([-4.0, -1.0, -0.1, 0.3, 1.0, 6.0]),
            nd.array(rng.randn(3, 5) * 3)]


def _compare(name, got, expected, x, what):
    if got.shape != expected.shape:
        return f"wrong shape {got.shape} for input of shape {x.shape}: {what} is elementwise"
    if not np.isfinite(got).all():
        return f"returns nan or inf for input {_fmt(x)}"
    i, err = _worst(got, expected)
    if err > _TOL * max(1.0, abs(float(expected[i]))):
        return (f"at x = {x[i]:.4g} it returns {got[i]:.6g}, expected {expected[i]:.6g} "
                f"(max abs error {err:.3g})")
    return None


def _reference_grad(op, X):
    grad, _ = _gradient(op, X)
    return grad


def check_sigmoid_grad(fn):
    """Check ``fn(X) -> sigmoid'(X)``, computed by hand (no autograd), elementwise.

    Compared with the autograd derivative of ``nd.sigmoid``, which equals
    ``sigmoid(X) * (1 - sigmoid(X))``.  Prints a verdict, returns a bool.
    Introduced in chapters/06_mlp_from_scratch.ipynb.
    """
    name = "check_sigmoid_grad"
    rng = np.random.RandomState(_RNG_SEED)
    for X in _points(rng):
        got, problem = _call(fn, X)
        if problem:
            return _report(name, problem, "fill in sigmoid_grad(X), e.g. with "
                                          "s = nd.sigmoid(X) and the formula s * (1 - s)")
        expected = _reference_grad(nd.sigmoid, X)
        x = X.asnumpy()
        if got.shape == expected.shape and np.allclose(got, 1 / (1 + np.exp(-x)), atol=_TOL):
            return _verdict(name, "this is sigmoid(X) itself; its derivative is "
                                  "sigmoid(X) * (1 - sigmoid(X))")
        problem = _compare(name, got, expected, x, "the derivative")
        if problem:
            return _verdict(name, problem)
    return _verdict(name, None)


def check_leaky_relu(fn, alpha=0.1):
    """Check ``fn(X, alpha) -> X where X > 0, alpha * X elsewhere``, and its autograd gradient.

    Values are compared with ``nd.LeakyReLU(X, slope=alpha)``; the gradient of
    ``fn(X, alpha).sum()`` must be 1 for X > 0 and alpha for X < 0 (so write it
    with nd operations autograd can follow, e.g. ``nd.maximum``/``nd.where``).
    Prints a verdict, returns a bool.  Introduced in chapters/06_mlp_from_scratch.ipynb.
    """
    name = "check_leaky_relu"
    if not 0 < alpha < 1:
        raise ValueError(f"check_leaky_relu: alpha must be in (0, 1), got {alpha!r}")
    rng = np.random.RandomState(_RNG_SEED)
    for X in _points(rng):
        x = X.asnumpy().copy()
        got, problem = _call(fn, X, alpha)
        if problem:
            return _report(name, problem, "fill in leaky_relu(X, alpha) with nd operations")
        if not np.array_equal(X.asnumpy(), x):
            return _verdict(name, "it changes its input in place; return a new array")
        expected = nd.LeakyReLU(X, act_type="leaky", slope=alpha).asnumpy()
        if got.shape == x.shape and np.allclose(got, np.maximum(x, 0), atol=_TOL):
            return _verdict(name, f"this is the plain ReLU: negative inputs must give "
                                  f"alpha * x (alpha = {alpha:g}), not 0")
        problem = _compare(name, got, expected, x, "leaky ReLU")
        if problem:
            return _verdict(name, problem)
        grad, problem = _gradient(fn, X, alpha)
        if problem:
            return _verdict(name, problem)
        expected_grad = np.where(x > 0, 1.0, alpha)
        problem = _compare(name, grad, expected_grad, x, "the derivative")
        if problem:
            return _verdict(name, "values are right but the autograd gradient is not: "
                                  + problem)
    return _verdict(name, None)


def _gluon_count(sizes):
    net = nn.HybridSequential()
    for units in sizes[1:-1]:
        net.add(nn.Dense(units, activation="relu"))
    net.add(nn.Dense(sizes[-1]))
    net.initialize()
    net(nd.zeros((1, sizes[0])))
    return sum(int(np.prod(p.shape)) for p in net.collect_params().values())


def check_param_count(fn):
    """Check ``fn(sizes) -> number of parameters`` of a dense MLP.

    sizes: layer widths, inputs first and outputs last, e.g. [784, 256, 10].
    Compared with the parameters Gluon actually creates for that network.
    Prints a verdict, returns a bool.  Introduced in chapters/06_mlp_from_scratch.ipynb.
    """
    name = "check_param_count"
    for sizes in ([784, 10], [784, 256, 10], [784, 300, 100, 10], [3, 5, 4, 2]):
        try:
            got = fn(list(sizes))
        except NotImplementedError:
            return _not_yet(name, "fill in count_mlp_params(sizes)")
        except Exception as err:
            return _verdict(name, f"raised {type(err).__name__}: {err}"[:200])
        expected = _gluon_count(sizes)
        if isinstance(got, bool) or not isinstance(got, numbers.Integral | np.integer):
            return _verdict(name, f"returned {got!r} for {sizes}, expected an int")
        if got == expected:
            continue
        weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
        if got == weights:
            return _verdict(name, f"for {sizes} you counted the weights only ({got}); each layer "
                                  "also has one bias per output unit")
        return _verdict(name, f"for {sizes} you return {got}, Gluon creates {expected} "
                              "(each layer: n_in * n_out weights + n_out biases)")
    return _verdict(name, None)


_ZERO_INIT_ANSWER = "c"
_ZERO_INIT_HINTS = {
    "a": "try it: train_ch3 with W1, W2 = nd.zeros(...) and look at the test accuracy",
    "b": "the hidden units would indeed stay identical, but here they get no gradient at "
         "all: relu(0) = 0, so the gradient of W2 is 0, and W2 = 0 passes no gradient to W1",
    "d": "nothing becomes nan: every quantity stays finite, most of them exactly 0",
}


def check_zero_init(answer):
    """Multiple choice: what happens when W1 and W2 of the 784-256-10 ReLU net start at 0?

    a) it trains as well as with random weights; b) it trains, but all 256
    hidden units stay identical, so it is no better than one hidden unit;
    c) W1 and W2 never change, only the output bias learns, so the net predicts
    the same class for every image; d) the loss becomes nan.
    Prints a verdict, returns a bool.  Introduced in chapters/06_mlp_from_scratch.ipynb.
    """
    return _choice("check_zero_init", answer, _ZERO_INIT_ANSWER, _ZERO_INIT_HINTS)


def _mlp_params_problem(params, num_hiddens):
    """What is wrong with ``params`` for a 784-num_hiddens-10 MLP as chapter 06 starts it."""
    if not isinstance(params, list | tuple) or len(params) != 4:
        return f"returned {type(params).__name__}; return the list [W1, b1, W2, b2]"
    if not all(isinstance(p, nd.NDArray) for p in params):
        return "every parameter must be an mxnet NDArray (nd.random.normal, nd.zeros)"
    shapes = [tuple(p.shape) for p in params]
    expected = [(784, num_hiddens), (num_hiddens,), (num_hiddens, 10), (10,)]
    if shapes != expected:
        return (f"for num_hiddens={num_hiddens} the shapes are {shapes}, expected {expected} "
                "(W1 (inputs, hidden), b1 (hidden,), W2 (hidden, outputs), b2 (outputs,))")
    W1, b1, W2, b2 = (p.asnumpy() for p in params)
    if np.any(b1 != 0) or np.any(b2 != 0):
        return "the biases must start at zero (nd.zeros)"
    for name, W in (("W1", W1), ("W2", W2)):
        if W.size >= 100 and not 0.007 < W.std() < 0.013:
            return (f"{name} has standard deviation {W.std():.3g}; draw it with "
                    "nd.random.normal(scale=0.01, ...) as the chapter does")
        if np.all(W == W.flat[0]):
            return (f"every entry of {name} is {W.flat[0]:.3g}: identical weights keep the "
                    "hidden units identical (exercise 4); draw them at random")
    if any(p.grad is None for p in params):
        return "call attach_grad() on every parameter, so autograd computes its gradient"
    return None


def check_mlp_params(fn):
    """Check ``fn(num_hiddens) -> [W1, b1, W2, b2]`` for a 784-num_hiddens-10 MLP.

    Expected as chapter 06 starts its MLP: W1 (784, num_hiddens) and W2
    (num_hiddens, 10) drawn from a normal distribution with standard deviation
    0.01, b1 and b2 zero, every parameter with ``attach_grad()`` called.  Tried
    for 64 and 1024 hidden units (the exercise's widths) and for 3.  The
    student's function draws from MXNet's random generator, as the chapter's
    code does.  Prints a verdict, returns a bool.  Introduced in
    chapters/06_mlp_from_scratch.ipynb.
    """
    name = "check_mlp_params"
    for num_hiddens in (64, 1024, 3):
        try:
            params = fn(num_hiddens)
        except NotImplementedError:
            return _not_yet(name, "fill in mlp_params(num_hiddens) as in the cell that "
                                  "creates W1, b1, W2, b2")
        except Exception as err:
            return _verdict(name, f"mlp_params({num_hiddens}) raised "
                                  f"{type(err).__name__}: {err}"[:200])
        problem = _mlp_params_problem(params, num_hiddens)
        if problem:
            return _verdict(name, problem)
    return _verdict(name, None)
