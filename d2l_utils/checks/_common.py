"""What every exercise self-check shares: one verdict line, safe calls of student code.

A check calls the student's function, compares with an independent reference,
prints ``"<check>: correct"`` or ``"<check>: wrong: <what exactly is wrong>"``
and returns True or False.  Student code that raises is a verdict, never a
traceback.  Introduced in chapters/02_softmax_regression.ipynb.
"""

import numpy as np
from mxnet import autograd, nd


def _fmt(a):
    text = np.array2string(np.asarray(a), precision=4, separator=", ", suppress_small=True,
                           max_line_width=10**6)
    return text.replace("\n", "")


def _verdict(name, problem):
    print(f"{name}: correct" if problem is None else f"{name}: wrong: {problem}")
    return problem is None


def _describe(err):
    """One line for an exception; MXNet's own messages start with a C++ traceback."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()] or [""]
    line = lines[-1] if lines[0].startswith("Traceback") else lines[0]
    prefix = f"{type(err).__name__}: "
    return prefix + line.removeprefix(prefix)[:200]


def _call(fn, *args):
    """``(numpy result, None)``, or ``(None, problem)`` if fn raised or returned no NDArray."""
    try:
        out = fn(*args)
    except Exception as err:  # any error in student code is a verdict, not a crash
        return None, f"raised {_describe(err)}"
    if not isinstance(out, nd.NDArray):
        kind = type(out).__qualname__
        kind = kind if type(out).__module__ == "builtins" else f"{type(out).__module__}.{kind}"
        return None, f"returned a {kind}, expected an mxnet NDArray (use nd operations)"
    return out.asnumpy(), None


def _gradient(fn, x, *rest):
    """Gradient of ``fn(x, *rest).sum()`` w.r.t. x via autograd, or ``(None, problem)``."""
    x = x.copy()
    x.attach_grad()
    try:
        with autograd.record():
            out = fn(x, *rest)
        out.backward()
    except Exception as err:
        if "Cannot differentiate node" in str(err):
            return None, ("autograd cannot differentiate it: the result is not connected to its "
                          "input (a step left nd, e.g. asnumpy() then nd.array()); "
                          "keep every step in nd operations")
        return None, f"autograd cannot differentiate it: {_describe(err)}"
    return x.grad.asnumpy(), None


def _worst(got, expected):
    """Index of the largest absolute error and its size."""
    err = np.abs(got - expected)
    i = np.unravel_index(np.argmax(err), err.shape)
    return i, float(err[i])


