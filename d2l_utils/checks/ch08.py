"""Self-checks for the exercises of chapters/08_backprop_numpy.ipynb.

The student writes a backward pass in NumPy; the check compares it with
centered finite differences of the matching forward pass in float64
(``d2l_utils.gradcheck``), so it needs no answer key.  Each prints one
verdict line (``_verdict``), a wrong one naming the argument whose gradient is
wrong and its relative error, and returns True or False.  Inputs come from a
private generator: the global NumPy seed is left alone.
"""

import numpy as np

from ..gradcheck import numerical_gradient, relative_error
from ..language import TextMap, text
from ._choice import _choice
from ._common import _attempt
from ._verdict import verdict

_RNG_SEED = 2024
_TOL = 1e-7  # relative error of a float64 gradient against centered differences


def _todo(fn):
    fn_name = getattr(fn, "__name__", text("the function", "这个函数"))
    return text(f"{fn_name} still raises NotImplementedError; write its body, then run this "
                "cell again",
                f"{fn_name} 仍然抛出 NotImplementedError；请写出它的函数体，然后再运行这个单元格")


def _array_problem(what, got, expected_shape):
    if not isinstance(got, np.ndarray):
        return text(f"{what} is a {type(got).__name__}, expected a numpy array",
                    f"{what} 是 {type(got).__name__}，应为 numpy 数组")
    if got.shape != expected_shape:
        hint = (text(" (a missing or extra transpose?)", "（是否漏了或多了一次转置？）")
                if got.shape == expected_shape[::-1] else "")
        return text(f"{what} has shape {got.shape}, expected {expected_shape}{hint}: a "
                    "gradient has the shape of what it is the gradient of",
                    f"{what} 的形状为 {got.shape}，应为 {expected_shape}{hint}："
                    "梯度的形状与求梯度的对象相同")
    if not np.isfinite(got).all():
        return text(f"{what} contains nan or inf", f"{what} 含有 nan 或 inf")
    return None


def _gradient_problem(arg, got, numeric, hints=()):
    """None if got matches the finite differences, else the verdict naming ``arg``."""
    err = relative_error(got, numeric)
    if err < _TOL:
        return None
    problem = text(f"the gradient with respect to {arg} has relative error {err:.2g} against "
                   f"finite differences (must be < {_TOL:g})",
                   f"关于 {arg} 的梯度与有限差分相比的相对误差为 {err:.2g}"
                   f"（必须 < {_TOL:g}）")
    for candidate, hint in hints:
        if relative_error(got, candidate) < _TOL:
            return text(f"{problem}: {hint}", f"{problem}：{hint}")
    return problem


def _sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def check_sigmoid_backward(fn):
    """Check ``fn(dA, Z) -> dZ``, the backward of ``A = sigmoid(Z)`` (element-wise).

    dA and Z: float64 arrays of one shape; dZ must have that shape and equal
    ``dA * sigmoid(Z) * (1 - sigmoid(Z))``, as finite differences of
    ``sum(dA * sigmoid(Z))`` with respect to Z say.  Prints a verdict, returns
    a bool.  Introduced in chapters/08_backprop_numpy.ipynb.
    """
    name = "check_sigmoid_backward"
    rng = np.random.default_rng(_RNG_SEED)
    for shape in [(4, 3), (2, 5)]:
        Z = rng.standard_normal(shape) * 2
        dA = rng.standard_normal(shape)
        got, problem = _attempt(fn, dA.copy(), Z.copy())
        problem = problem or _array_problem("dZ", got, shape)
        if problem is None:
            Zp = Z.copy()  # numerical_gradient moves its entries
            numeric = numerical_gradient(lambda Zp=Zp, dA=dA: np.sum(dA * _sigmoid(Zp)), Zp)
            s = _sigmoid(Z)
            problem = _gradient_problem("Z", got, numeric, hints=[
                (dA * s, text("the derivative of sigmoid is s * (1 - s), not s",
                              "sigmoid 的导数是 s * (1 - s)，不是 s")),
                (s * (1 - s), text("multiply by the upstream gradient dA (the chain rule)",
                                   "要乘以上游梯度 dA（链式法则）")),
                (dA * Z * (1 - Z), text("use s = sigmoid(Z) in s * (1 - s), not Z itself",
                                        "在 s * (1 - s) 中使用 s = sigmoid(Z)，而不是 Z 本身")),
            ])
        if problem:
            return verdict(name, problem, _todo(fn))
    return verdict(name, None)


def _affine_l2_problem(fn, dZ, X, W, b, lam):
    out, problem = _attempt(fn, dZ.copy(), X.copy(), W.copy(), b.copy(), lam)
    if problem:
        return problem
    if not (isinstance(out, tuple | list) and len(out) == 3):
        shape = (text(f" of shape {out.shape}", f"（形状为 {out.shape}）")
                 if hasattr(out, "shape") else "")
        return text(f"returned a {type(out).__name__}{shape}, expected a tuple (dX, dW, db)",
                    f"返回了 {type(out).__name__}{shape}，应返回元组 (dX, dW, db)")
    n = X.shape[0]
    inputs = {"X": X, "W": W, "b": b}
    hints = {"X": [(dZ @ W.T + lam * X, text("the penalty is on W only, not on X",
                                             "惩罚项只作用于 W，不作用于 X"))],
             "W": [(X.T @ dZ, text("the penalty adds lam * W to dW",
                                   "惩罚项要给 dW 加上 lam * W")),
                   (X.T @ dZ + 2 * lam * W, text("the gradient of lam / 2 * sum(W ** 2) is "
                                                 "lam * W, not 2 * lam * W",
                                                 "lam / 2 * sum(W ** 2) 的梯度是 lam * W，"
                                                 "不是 2 * lam * W")),
                   (X.T @ dZ / n + lam * W, text("no 1/n here: dZ already carries the loss's "
                                                 "scaling",
                                                 "这里没有 1/n：dZ 已经包含了损失的缩放"))],
             "b": [(dZ.mean(axis=0), text("db = dZ.sum(axis=0): b is added to every row, and "
                                          "dZ already carries the loss's scaling",
                                          "db = dZ.sum(axis=0)：b 加到了每一行上，而且 dZ "
                                          "已经包含了损失的缩放")),
                   (dZ.sum(axis=0) + lam * b, text("the penalty is on W only, not on b",
                                                   "惩罚项只作用于 W，不作用于 b"))]}

    def loss():
        return np.sum(dZ * (X @ W + b)) + lam / 2 * np.sum(W ** 2)

    for arg, got in zip(("X", "W", "b"), out, strict=True):
        problem = _array_problem(f"d{arg}", got, inputs[arg].shape)
        if problem is None:
            numeric = numerical_gradient(loss, inputs[arg])
            problem = _gradient_problem(arg, got, numeric, hints[arg])
        if problem:
            return problem
    return None


def check_affine_l2_backward(fn):
    """Check ``fn(dZ, X, W, b, lam) -> (dX, dW, db)`` for an affine layer with L2 penalty.

    The layer computes ``Z = X @ W + b`` (X (n, d), W (d, h), b (h,)) and adds
    ``lam / 2 * sum(W ** 2)`` to the loss; given dZ (n, h), the gradient of
    the loss with respect to Z, the three gradients are compared with finite
    differences of ``sum(dZ * (X @ W + b)) + lam / 2 * sum(W ** 2)``.  A wrong
    one is named with its relative error.  Prints a verdict, returns a bool.
    Introduced in chapters/08_backprop_numpy.ipynb.
    """
    name = "check_affine_l2_backward"
    rng = np.random.default_rng(_RNG_SEED)
    for n, d, h, lam in [(5, 4, 3, 0.1), (2, 3, 6, 2.0)]:
        X, W = rng.standard_normal((n, d)), rng.standard_normal((d, h))
        b, dZ = rng.standard_normal(h), rng.standard_normal((n, h))
        problem = _affine_l2_problem(fn, dZ, X, W, b, lam)
        if problem:
            return verdict(name, problem, _todo(fn))
    return verdict(name, None)


_BUG_ANSWERS = TextMap(lambda: {
    "a": text("a missing transpose gives a matrix of the wrong entries (often the wrong "
              "shape), not a constant factor, and it would not depend on the batch size",
              "漏掉转置得到的是元素错误的矩阵（形状往往也不对），而不是差一个常数因子，"
              "而且与批量大小无关"),
    "b": None,
    "c": text("an inverted ReLU mask gives gradients in the wrong places; the error would not "
              "be (n - 1) / n for every parameter",
              "ReLU 掩码取反会让梯度出现在错误的位置；误差不会对每个参数都是 (n - 1) / n"),
    "d": text("a too large eps gives errors of order eps ** 2 (about 1e-6 for eps = 1e-3), "
              "the same for every batch size; 0.75 is far too large",
              "eps 过大带来的误差是 eps ** 2 量级（eps = 1e-3 时约为 1e-6），对每个批量大小"
              "都一样；0.75 大得太多了"),
})


def check_backprop_bug(answer):
    """Multiple choice: which bug makes every relative error (n - 1) / n for batch n?

    Answers ``'a'`` .. ``'d'`` (see the exercise).  Prints a verdict, returns a
    bool.  Introduced in chapters/08_backprop_numpy.ipynb.
    """
    return _choice("check_backprop_bug", answer, "b",
                   {k: why for k, why in _BUG_ANSWERS.items() if why is not None})
