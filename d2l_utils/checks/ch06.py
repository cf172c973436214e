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

from ..language import text
from ._choice import _choice
from ._common import _attempt, _call, _fmt, _gradient, _while, _worst
from ._verdict import verdict

_RNG_SEED = 2026
_TOL = 1e-5


def _points(rng):
    return [nd.array([-4.0, -1.0, -0.1, 0.3, 1.0, 6.0]),
            nd.array(rng.randn(3, 5) * 3)]


def _compare(name, got, expected, x, what):
    if got.shape != expected.shape:
        return text(f"wrong shape {got.shape} for input of shape {x.shape}: {what} is "
                    "elementwise",
                    f"对形状为 {x.shape} 的输入，形状 {got.shape} 不对：{what}是按元素计算的")
    if not np.isfinite(got).all():
        return text(f"returns nan or inf for input {_fmt(x)}",
                    f"对输入 {_fmt(x)} 返回了 nan 或 inf")
    i, err = _worst(got, expected)
    if err > _TOL * max(1.0, abs(float(expected[i]))):
        return text(f"at x = {x[i]:.4g} it returns {got[i]:.6g}, expected {expected[i]:.6g} "
                    f"(max abs error {err:.3g})",
                    f"在 x = {x[i]:.4g} 处返回 {got[i]:.6g}，应为 {expected[i]:.6g}"
                    f"（最大绝对误差 {err:.3g}）")
    return None


def _derivative():
    return text("the derivative", "导数")


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
            return verdict(name, problem, text("fill in sigmoid_grad(X), e.g. with "
                                               "s = nd.sigmoid(X) and the formula s * (1 - s)",
                                               "补全 sigmoid_grad(X)，例如用 s = nd.sigmoid(X) "
                                               "和公式 s * (1 - s)"))
        expected = _reference_grad(nd.sigmoid, X)
        x = X.asnumpy()
        if got.shape == expected.shape and np.allclose(got, 1 / (1 + np.exp(-x)), atol=_TOL):
            return verdict(name, text("this is sigmoid(X) itself; its derivative is "
                                      "sigmoid(X) * (1 - sigmoid(X))",
                                      "这是 sigmoid(X) 本身；它的导数是 "
                                      "sigmoid(X) * (1 - sigmoid(X))"))
        problem = _compare(name, got, expected, x, _derivative())
        if problem:
            return verdict(name, problem)
    return verdict(name, None)


def check_leaky_relu(fn, alpha=0.1):
    """Check ``fn(X, alpha) -> X where X > 0, alpha * X elsewhere``, and its autograd gradient.

    Values are compared with ``nd.LeakyReLU(X, slope=alpha)``; the gradient of
    ``fn(X, alpha).sum()`` must be 1 for X > 0 and alpha for X < 0 (so write it
    with nd operations autograd can follow, e.g. ``nd.maximum``/``nd.where``).
    Prints a verdict, returns a bool.  Introduced in chapters/06_mlp_from_scratch.ipynb.
    """
    name = "check_leaky_relu"
    if not 0 < alpha < 1:
        raise ValueError(text(f"check_leaky_relu: alpha must be in (0, 1), got {alpha!r}",
                              f"check_leaky_relu：alpha 必须在 (0, 1) 之内，得到的是 {alpha!r}"))
    rng = np.random.RandomState(_RNG_SEED)
    for X in _points(rng):
        x = X.asnumpy().copy()
        got, problem = _call(fn, X, alpha)
        if problem:
            return verdict(name, problem, text("fill in leaky_relu(X, alpha) with nd "
                                               "operations",
                                               "用 nd 运算补全 leaky_relu(X, alpha)"))
        if not np.array_equal(X.asnumpy(), x):
            return verdict(name, text("it changes its input in place; return a new array",
                                      "它原地修改了输入；请返回一个新数组"))
        expected = nd.LeakyReLU(X, act_type="leaky", slope=alpha).asnumpy()
        if got.shape == x.shape and np.allclose(got, np.maximum(x, 0), atol=_TOL):
            return verdict(name, text(f"this is the plain ReLU: negative inputs must give "
                                      f"alpha * x (alpha = {alpha:g}), not 0",
                                      f"这是普通的 ReLU：负的输入必须得到 alpha * x"
                                      f"（alpha = {alpha:g}），而不是 0"))
        problem = _compare(name, got, expected, x, "leaky ReLU")
        if problem:
            return verdict(name, problem)
        grad, problem = _gradient(fn, X, alpha)
        if problem:
            return verdict(name, problem)
        expected_grad = np.where(x > 0, 1.0, alpha)
        problem = _compare(name, grad, expected_grad, x, _derivative())
        if problem:
            return verdict(name, text("values are right but the autograd gradient is not: "
                                      + problem,
                                      "数值正确，但 autograd 的梯度不对：" + problem))
    return verdict(name, None)


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
        got, problem = _attempt(fn, list(sizes))
        if problem:
            return verdict(name, problem, text("fill in count_mlp_params(sizes)",
                                               "补全 count_mlp_params(sizes)"))
        expected = _gluon_count(sizes)
        if isinstance(got, bool) or not isinstance(got, numbers.Integral | np.integer):
            return verdict(name, text(f"returned {got!r} for {sizes}, expected an int",
                                      f"对 {sizes} 返回了 {got!r}，应返回 int"))
        if got == expected:
            continue
        weights = sum(a * b for a, b in zip(sizes[:-1], sizes[1:], strict=True))
        if got == weights:
            return verdict(name, text(f"for {sizes} you counted the weights only ({got}); each "
                                      "layer also has one bias per output unit",
                                      f"对 {sizes} 你只数了权重（{got}）；每一层的每个输出"
                                      "单元还各有一个偏差"))
        return verdict(name, text(f"for {sizes} you return {got}, Gluon creates {expected} "
                                  "(each layer: n_in * n_out weights + n_out biases)",
                                  f"对 {sizes} 你返回 {got}，Gluon 创建了 {expected} 个"
                                  "（每层：n_in * n_out 个权重 + n_out 个偏差）"))
    return verdict(name, None)


_ZERO_INIT_ANSWER = "c"


def _zero_init_hints():
    return {
        "a": text("try it: train_ch3 with W1, W2 = nd.zeros(...) and look at the test accuracy",
                  "试一试：用 W1, W2 = nd.zeros(...) 运行 train_ch3，看看测试准确率"),
        "b": text("the hidden units would indeed stay identical, but here they get no gradient "
                  "at all: relu(0) = 0, so the gradient of W2 is 0, and W2 = 0 passes no "
                  "gradient to W1",
                  "隐藏单元确实会保持相同，但这里它们根本得不到梯度：relu(0) = 0，所以 W2 的"
                  "梯度是 0，而 W2 = 0 也不会把梯度传给 W1"),
        "d": text("nothing becomes nan: every quantity stays finite, most of them exactly 0",
                  "没有任何量变成 nan：每个量都保持有限，其中大多数恰好是 0"),
    }


def check_zero_init(answer):
    """Multiple choice: what happens when W1 and W2 of the 784-256-10 ReLU net start at 0?

    a) it trains as well as with random weights; b) it trains, but all 256
    hidden units stay identical, so it is no better than one hidden unit;
    c) W1 and W2 never change, only the output bias learns, so the net predicts
    the same class for every image; d) the loss becomes nan.
    Prints a verdict, returns a bool.  Introduced in chapters/06_mlp_from_scratch.ipynb.
    """
    return _choice("check_zero_init", answer, _ZERO_INIT_ANSWER, _zero_init_hints())


def _mlp_params_problem(params, num_hiddens):
    """What is wrong with ``params`` for a 784-num_hiddens-10 MLP as chapter 06 starts it."""
    if not isinstance(params, list | tuple) or len(params) != 4:
        return text(f"returned {type(params).__name__}; return the list [W1, b1, W2, b2]",
                    f"返回了 {type(params).__name__}；请返回列表 [W1, b1, W2, b2]")
    if not all(isinstance(p, nd.NDArray) for p in params):
        return text("every parameter must be an mxnet NDArray (nd.random.normal, nd.zeros)",
                    "每个参数都必须是 mxnet NDArray（nd.random.normal、nd.zeros）")
    shapes = [tuple(p.shape) for p in params]
    expected = [(784, num_hiddens), (num_hiddens,), (num_hiddens, 10), (10,)]
    if shapes != expected:
        return text(f"for num_hiddens={num_hiddens} the shapes are {shapes}, expected "
                    f"{expected} (W1 (inputs, hidden), b1 (hidden,), W2 (hidden, outputs), "
                    "b2 (outputs,))",
                    f"num_hiddens={num_hiddens} 时形状为 {shapes}，应为 {expected}"
                    "（W1 (inputs, hidden)，b1 (hidden,)，W2 (hidden, outputs)，"
                    "b2 (outputs,)）")
    W1, b1, W2, b2 = (p.asnumpy() for p in params)
    if np.any(b1 != 0) or np.any(b2 != 0):
        return text("the biases must start at zero (nd.zeros)", "偏差必须从零开始（nd.zeros）")
    for name, W in (("W1", W1), ("W2", W2)):
        if W.size >= 100 and not 0.007 < W.std() < 0.013:
            return text(f"{name} has standard deviation {W.std():.3g}; draw it with "
                        "nd.random.normal(scale=0.01, ...) as the chapter does",
                        f"{name} 的标准差为 {W.std():.3g}；请像本章那样用 "
                        "nd.random.normal(scale=0.01, ...) 随机生成")
        if np.all(W == W.flat[0]):
            return text(f"every entry of {name} is {W.flat[0]:.3g}: identical weights keep the "
                        "hidden units identical (exercise 4); draw them at random",
                        f"{name} 的每个元素都是 {W.flat[0]:.3g}：相同的权重会让隐藏单元保持"
                        "相同（练习 4）；请随机生成它们")
    if any(p.grad is None for p in params):
        return text("call attach_grad() on every parameter, so autograd computes its gradient",
                    "对每个参数调用 attach_grad()，autograd 才会计算它的梯度")
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
        params, problem = _attempt(fn, num_hiddens)
        if problem:
            return verdict(name, _while(f"mlp_params({num_hiddens})", problem),
                           text("fill in mlp_params(num_hiddens) as in the cell that creates "
                                "W1, b1, W2, b2",
                                "仿照创建 W1, b1, W2, b2 的那个单元格补全 mlp_params(num_hiddens)"))
        problem = _mlp_params_problem(params, num_hiddens)
        if problem:
            return verdict(name, problem)
    return verdict(name, None)
