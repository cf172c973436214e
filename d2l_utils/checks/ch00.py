"""Self-checks for the exercises of chapters/00_getting_started.ipynb.

Each check prints one line, ``"<check>: correct"``, ``"<check>: wrong: ..."``
or, for an untouched stub, ``"<check>: not yet: ..."``, and returns a bool.
"""

import numpy as np
from mxnet import autograd, nd

from ._choice import _choice, _not_yet, _report
from ._common import _call, _fmt, _verdict

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
        return _not_yet(name, f"set order to a list of the places {sorted(LOOKUP_ORDER)}")
    if not isinstance(order, list | tuple) or not all(isinstance(k, str) for k in order):
        return _verdict(name, f"order must be a list of str, got {order!r}")
    unknown = [k for k in order if k not in LOOKUP_ORDER]
    if unknown:
        return _verdict(name, f"{unknown} are not places the course looks in; "
                              f"the names are {LOOKUP_ORDER[::-1]} (in some order)")
    missing = [k for k in LOOKUP_ORDER if k not in order]
    if missing or len(order) != len(LOOKUP_ORDER):
        return _verdict(name, f"list each place once; missing: {missing}")
    i = next((i for i, (a, b) in enumerate(zip(order, LOOKUP_ORDER, strict=True)) if a != b), None)
    if i is not None:
        return _verdict(name, f"place {i + 1} is {order[i]!r}, but the course tries "
                              f"{LOOKUP_ORDER[i]!r} there: the find_dataset docstring lists them")
    return _verdict(name, None)


def check_cube_gradient(fn):
    """Check ``fn(x) -> the gradient of y = sum_i x_i**3`` against autograd (exercise 2).

    Introduced in chapters/00_getting_started.ipynb.
    """
    name = "check_cube_gradient"
    for x in (nd.arange(4).reshape((4, 1)), nd.array([-2.0, -0.5, 0.0, 1.5, 3.0])):
        got, problem = _call(fn, x)
        if problem:
            return _report(name, problem, "make cube_gradient(x) return your formula for "
                                          "the gradient, as an NDArray")
        x = x.copy()
        x.attach_grad()
        with autograd.record():
            y = (x ** 3).sum()
        y.backward()
        expected = x.grad.asnumpy()
        if got.shape != expected.shape:
            return _verdict(name, f"wrong shape {got.shape}, expected {expected.shape}: "
                                  "one partial derivative per entry of x")
        if not np.allclose(got, expected, rtol=1e-5, atol=1e-6):
            return _verdict(name, f"for x = {_fmt(x.asnumpy().ravel())} you give "
                                  f"{_fmt(got.ravel())}, autograd gives {_fmt(expected.ravel())}")
    return _verdict(name, None)


def check_matmul_growth(answer):
    """Multiple choice (exercise 3): how does the time of ``nd.dot(a, a)`` grow with n?

    Introduced in chapters/00_getting_started.ipynb.
    """
    return _choice("check_matmul_growth", answer, "c", {
        "a": "that would be the number of entries of one row; each of the n*n results needs "
             "n multiplications",
        "b": "n*n is the number of entries of the result, but each needs n multiplications",
    })


def check_async_timing(answer):
    """Multiple choice (exercise 4): what does the second interval measure without a wait?

    Introduced in chapters/00_getting_started.ipynb.
    """
    return _choice("check_async_timing", answer, "b", {
        "a": "nothing waits for the product any more, so the clock cannot include it",
        "c": "the product is computed in the background and nothing waits for it",
    })
