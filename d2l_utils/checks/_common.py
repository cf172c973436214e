"""What every exercise self-check shares: one verdict line, safe calls of student code.

A check calls the student's function, compares with an independent reference,
prints its verdict line (``_verdict``) and returns True or False.  Student
code that raises is a verdict, never a traceback: NotImplementedError (an
untouched stub) is ``STUB``, "not yet".
Introduced in chapters/02_softmax_regression.ipynb.
"""

import numpy as np
from mxnet import autograd, nd

from ..language import text
from ._verdict import STUB


def _fmt(a):
    shown = np.array2string(np.asarray(a), precision=4, separator=", ", suppress_small=True,
                            max_line_width=10**6)
    return shown.replace("\n", "")


def _describe(err):
    """One line for an exception; MXNet's own messages start with a C++ traceback."""
    lines = [line.strip() for line in str(err).splitlines() if line.strip()] or [""]
    line = lines[-1] if lines[0].startswith("Traceback") else lines[0]
    prefix = f"{type(err).__name__}: "
    return prefix + line.removeprefix(prefix)[:200]


def _raised(err):
    """The problem "raised <exception>"; the exception's own text stays as it is."""
    return text(f"raised {_describe(err)}", f"抛出了 {_describe(err)}")


def _attempt(fn, *args):
    """``(result, None)``, ``(None, STUB)`` if fn still raises NotImplementedError, or
    ``(None, "raised ...")`` for any other error in student code (a verdict, not a crash)."""
    try:
        return fn(*args), None
    except NotImplementedError:
        return None, STUB
    except Exception as err:
        return None, _raised(err)


def _while(call, problem):
    """``problem`` prefixed with the call that caused it; None and ``STUB`` stay as they are."""
    return problem if problem is None or problem is STUB else f"{call} {problem}"


def _call(fn, *args):
    """``(numpy result, None)``, or ``(None, problem)`` if fn raised or returned no NDArray."""
    out, problem = _attempt(fn, *args)
    if problem:
        return None, problem
    if not isinstance(out, nd.NDArray):
        kind = type(out).__qualname__
        kind = kind if type(out).__module__ == "builtins" else f"{type(out).__module__}.{kind}"
        return None, text(f"returned a {kind}, expected an mxnet NDArray (use nd operations)",
                          f"返回了 {kind}，应返回 mxnet NDArray（请使用 nd 运算）")
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
            return None, text("autograd cannot differentiate it: the result is not connected to "
                              "its input (a step left nd, e.g. asnumpy() then nd.array()); "
                              "keep every step in nd operations",
                              "autograd 无法对它求梯度：结果与输入没有连接（某一步离开了 nd，"
                              "例如先 asnumpy() 再 nd.array()）；请让每一步都使用 nd 运算")
        return None, text(f"autograd cannot differentiate it: {_describe(err)}",
                          f"autograd 无法对它求梯度：{_describe(err)}")
    return x.grad.asnumpy(), None


def _worst(got, expected):
    """Index of the largest absolute error and its size."""
    err = np.abs(got - expected)
    i = np.unravel_index(np.argmax(err), err.shape)
    return i, float(err[i])


