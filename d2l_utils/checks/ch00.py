"""Self-checks for the exercises of chapters/00_getting_started.ipynb.

Each check prints one verdict line (``_verdict``) and returns a bool.
"""

import numpy as np
from mxnet import autograd, nd

from ..language import text
from ._choice import _choice
from ._common import _call, _fmt
from ._verdict import not_yet, verdict

# The order find_dataset documents (its docstring lists the kinds of Location).
LOOKUP_ORDER = ["argument", "D2L_DATA_DIR", "cache", "system", "download"]


def check_lookup_order(order):
    """Check the order in which the course looks for Fashion-MNIST (exercise 1).

    order: a list of the place names ``location.kind`` reports: 'argument'
    (``root=``), 'D2L_DATA_DIR', 'cache', 'system' and 'download'.
    Introduced in chapters/00_getting_started.ipynb.
    """
    name = "check_lookup_order"
    if order is None:
        return not_yet(name, text(f"set order to a list of the places {sorted(LOOKUP_ORDER)}",
                                  f"把 order 设为由 {sorted(LOOKUP_ORDER)} 这些位置组成的列表"))
    if not isinstance(order, list | tuple) or not all(isinstance(k, str) for k in order):
        return verdict(name, text(f"order must be a list of str, got {order!r}",
                                  f"order 必须是 str 的列表，得到的是 {order!r}"))
    unknown = [k for k in order if k not in LOOKUP_ORDER]
    if unknown:
        return verdict(name, text(f"{unknown} are not places the course looks in; "
                                  f"the names are {LOOKUP_ORDER[::-1]} (in some order)",
                                  f"{unknown} 不是课程查找数据的位置；"
                                  f"位置名是 {LOOKUP_ORDER[::-1]}（顺序已打乱）"))
    missing = [k for k in LOOKUP_ORDER if k not in order]
    if missing or len(order) != len(LOOKUP_ORDER):
        return verdict(name, text(f"list each place once; missing: {missing}",
                                  f"每个位置列出一次；缺少：{missing}"))
    i = next((i for i, (a, b) in enumerate(zip(order, LOOKUP_ORDER, strict=True)) if a != b), None)
    if i is not None:
        return verdict(name, text(f"place {i + 1} is {order[i]!r}, but the course tries "
                                  f"{LOOKUP_ORDER[i]!r} there: the find_dataset docstring "
                                  "lists them",
                                  f"第 {i + 1} 个位置是 {order[i]!r}，但课程在这一步尝试的是 "
                                  f"{LOOKUP_ORDER[i]!r}：find_dataset 的文档字符串"
                                  "按顺序列出了它们"))
    return verdict(name, None)


def check_cube_gradient(fn):
    """Check ``fn(x) -> the gradient of y = sum_i x_i**3`` against autograd (exercise 2).

    Introduced in chapters/00_getting_started.ipynb.
    """
    name = "check_cube_gradient"
    for x in (nd.arange(4).reshape((4, 1)), nd.array([-2.0, -0.5, 0.0, 1.5, 3.0])):
        got, problem = _call(fn, x)
        if problem:
            return verdict(name, problem, text("make cube_gradient(x) return your formula for "
                                               "the gradient, as an NDArray",
                                               "让 cube_gradient(x) 以 NDArray 返回"
                                               "你推导的梯度公式"))
        x = x.copy()
        x.attach_grad()
        with autograd.record():
            y = (x ** 3).sum()
        y.backward()
        expected = x.grad.asnumpy()
        if got.shape != expected.shape:
            return verdict(name, text(f"wrong shape {got.shape}, expected {expected.shape}: "
                                      "one partial derivative per entry of x",
                                      f"形状 {got.shape} 不对，应为 {expected.shape}："
                                      "x 的每个元素对应一个偏导数"))
        if not np.allclose(got, expected, rtol=1e-5, atol=1e-6):
            return verdict(name, text(f"for x = {_fmt(x.asnumpy().ravel())} you give "
                                      f"{_fmt(got.ravel())}, autograd gives "
                                      f"{_fmt(expected.ravel())}",
                                      f"对 x = {_fmt(x.asnumpy().ravel())}，你的结果是 "
                                      f"{_fmt(got.ravel())}，autograd 的结果是 "
                                      f"{_fmt(expected.ravel())}"))
    return verdict(name, None)


def check_matmul_growth(answer):
    """Multiple choice (exercise 3): how does the time of ``nd.dot(a, a)`` grow with n?

    Introduced in chapters/00_getting_started.ipynb.
    """
    return _choice("check_matmul_growth", answer, "c", {
        "a": text("that would be the number of entries of one row; each of the n*n results "
                  "needs n multiplications",
                  "那是一行的元素个数；n*n 个结果中的每一个都需要 n 次乘法"),
        "b": text("n*n is the number of entries of the result, but each needs n "
                  "multiplications",
                  "n*n 是结果的元素个数，但每个元素都需要 n 次乘法"),
    })


def check_async_timing(answer):
    """Multiple choice (exercise 4): what does the second interval measure without a wait?

    Introduced in chapters/00_getting_started.ipynb.
    """
    return _choice("check_async_timing", answer, "b", {
        "a": text("nothing waits for the product any more, so the clock cannot include it",
                  "已经没有任何操作等待乘积算完，所以计时不可能包含它"),
        "c": text("the product is computed in the background and nothing waits for it",
                  "乘积在后台计算，没有任何操作等待它"),
    })
