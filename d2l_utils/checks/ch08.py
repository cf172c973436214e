"""Self-checks for the exercises of chapters/08_backprop_numpy.ipynb.

The student writes a backward pass in NumPy; the check compares it with
centered finite differences of the matching forward pass in float64
(``d2l_utils.gradcheck``), so it needs no answer key.  Each prints one line,
``"<check>: correct"``, ``"<check>: not yet: ..."`` for an unfinished stub
(``raise NotImplementedError``), or ``"<check>: wrong: ..."`` naming the
argument whose gradient is wrong and its relative error; and returns True or
False.  Inputs come from a private generator: the global NumPy seed is left
alone.
"""

import numpy as np

from ..gradcheck import numerical_gradient, relative_error
from ._common import _describe, _verdict

_RNG_SEED = 2024
_TOL = 1e-7  # relative error of a float64 gradient against centered differences


def _not_yet(name, fn_name):
    print(f"{name}: not yet: {fn_name} still raises NotImplementedError; write its body, "
          "then run this cell again")
    return False


def _call(fn, *args):
    """``(result, None)``, ``(None, problem)`` or ``(None, "not yet")`` for a stub."""
    try:
        return fn(*args), None
    except NotImplementedError:
        return None, "not yet"
    except Exception as err:  # any error in student code is a verdict, not a crash
        return None, f"raised {_describe(err)}"


def _array_problem(what, got, expected_shape):
    if not isinstance(got, np.ndarray):
        return f"{what} is a {type(got).__name__}, expected a numpy array"
    if got.shape != expected_shape:
        hint = " (a missing or extra transpose?)" if got.shape == expected_shape[::-1] else ""
        return (f"{what} has shape {got.shape}, expected {expected_shape}{hint}: a gradient "
                "has the shape of what it is the gradient of")
    if not np.isfinite(got).all():
        return f"{what} contains nan or inf"
    return None


def _gradient_problem(arg, got, numeric, hints=()):
    """None if got matches the finite differences, else the verdict naming ``arg``."""
    err = relative_error(got, numeric)
    if err < _TOL:
        return None
    problem = (f"the gradient with respect to {arg} has relative error {err:.2g} against "
               f"finite differences (must be < {_TOL:g})")
    for candidate, hint in hints:
        if relative_error(got, candidate) < _TOL:
            return f"{problem}: {hint}"
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
        got, problem = _call(fn, dA.copy(), Z.copy())
        if problem == "not yet":
            return _not_yet(name, getattr(fn, "__name__", "the function"))
        problem = problem or _array_problem("dZ", got, shape)
        if problem is None:
            Zp = Z.copy()  # numerical_gradient moves its entries
            numeric = numerical_gradient(lambda Zp=Zp, dA=dA: np.sum(dA * _sigmoid(Zp)), Zp)
            s = _sigmoid(Z)
            problem = _gradient_problem("Z", got, numeric, hints=[
                (dA * s, "the derivative of sigmoid is s * (1 - s), not s"),
                (s * (1 - s), "multiply by the upstream gradient dA (the chain rule)"),
                (dA * Z * (1 - Z), "use s = sigmoid(Z) in s * (1 - s), not Z itself"),
            ])
        if problem:
            return _verdict(name, problem)
    return _verdict(name, None)


def _affine_l2_problem(fn, dZ, X, W, b, lam):
    out, problem = _call(fn, dZ.copy(), X.copy(), W.copy(), b.copy(), lam)
    if problem:
        return problem
    if not (isinstance(out, tuple | list) and len(out) == 3):
        shape = f" of shape {out.shape}" if hasattr(out, "shape") else ""
        return f"returned a {type(out).__name__}{shape}, expected a tuple (dX, dW, db)"
    n = X.shape[0]
    inputs = {"X": X, "W": W, "b": b}
    hints = {"X": [(dZ @ W.T + lam * X, "the penalty is on W only, not on X")],
             "W": [(X.T @ dZ, "the penalty adds lam * W to dW"),
                   (X.T @ dZ + 2 * lam * W, "the gradient of lam / 2 * sum(W ** 2) is lam * W, "
                                            "not 2 * lam * W"),
                   (X.T @ dZ / n + lam * W, "no 1/n here: dZ already carries the loss's "
                                            "scaling")],
             "b": [(dZ.mean(axis=0), "db = dZ.sum(axis=0): b is added to every row, and dZ "
                                     "already carries the loss's scaling"),
                   (dZ.sum(axis=0) + lam * b, "the penalty is on W only, not on b")]}

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
        if problem == "not yet":
            return _not_yet(name, getattr(fn, "__name__", "the function"))
        if problem:
            return _verdict(name, problem)
    return _verdict(name, None)


_BUG_ANSWERS = {
    "a": "a missing transpose gives a matrix of the wrong entries (often the wrong shape), "
         "not a constant factor, and it would not depend on the batch size",
    "b": None,
    "c": "an inverted ReLU mask gives gradients in the wrong places; the error would not "
         "be (n - 1) / n for every parameter",
    "d": "a too large eps gives errors of order eps ** 2 (about 1e-6 for eps = 1e-3), the "
         "same for every batch size; 0.75 is far too large",
}


def check_backprop_bug(answer):
    """Multiple choice: which bug makes every relative error (n - 1) / n for batch n?

    Answers ``'a'`` .. ``'d'`` (see the exercise).  Prints a verdict, returns a
    bool.  Introduced in chapters/08_backprop_numpy.ipynb.
    """
    name = "check_backprop_bug"
    if answer is None:
        print(f"{name}: not yet: set answer to one of 'a', 'b', 'c', 'd'")
        return False
    key = str(answer).strip().lower().strip("()")
    if key not in _BUG_ANSWERS:
        return _verdict(name, f"{answer!r} is not one of 'a', 'b', 'c', 'd'")
    return _verdict(name, _BUG_ANSWERS[key] and f"not ({key}): {_BUG_ANSWERS[key]}")
