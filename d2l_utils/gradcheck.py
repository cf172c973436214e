"""Is a hand-written gradient right?  Finite differences and per-tensor comparisons.

``check_gradient`` compares analytic gradients with centered finite
differences in float64; ``compare`` reports how close one tensor is to a
reference (for example MXNet autograd's).  Both print facts that do not depend
on the machine (pass/fail against a tolerance, errors rounded), so notebook
outputs stay identical under every BLAS kernel.  Introduced in
chapters/08_backprop_numpy.ipynb.
"""

from dataclasses import dataclass

import numpy as np


def _as_numpy(a, name):
    if hasattr(a, "asnumpy"):  # an MXNet NDArray
        a = a.asnumpy()
    if not isinstance(a, np.ndarray | np.generic | float | int):
        raise TypeError(f"{name}: expected a numpy array or an MXNet NDArray, "
                        f"got {type(a).__name__}")
    return np.asarray(a)


def relative_error(analytic, numeric):
    """``||a - n|| / max(||a||, ||n||)`` (Euclidean norms), 0 when both are zero.

    Scale-free: 1e-9 means the two agree to about nine digits, 1 that they
    share nothing.  A gradient ``c`` times too large gives ``1 - 1/c``
    (a forgotten 1/batch with batch 4: 0.75).  Introduced in
    chapters/08_backprop_numpy.ipynb.
    """
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    scale = max(np.linalg.norm(a), np.linalg.norm(n))
    return 0.0 if scale == 0 else float(np.linalg.norm(a - n) / scale)


def numerical_gradient(f, x, eps=1e-6):
    """Centered finite differences of the scalar ``f()`` with respect to the array x.

    Each entry of x is moved to ``x + eps`` and ``x - eps`` in place (and put
    back), giving ``(f(x + eps) - f(x - eps)) / (2 eps)``, whose error is
    O(eps^2) plus rounding of about 1e-16 / eps.  x must be float64.
    Introduced in chapters/08_backprop_numpy.ipynb.
    """
    grad = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + eps
        plus = float(f())
        x[i] = old - eps
        minus = float(f())
        x[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def check_gradient(f, params, eps=1e-6):
    """Relative error of each analytic gradient against centered finite differences.

    ``f(params) -> (loss, grads)``: a float64 scalar loss and a dict of
    gradients containing (at least) every key of ``params``.  ``params``: a
    dict of float64 numpy arrays; each entry is perturbed in place and
    restored.  Returns ``{name: relative_error(analytic, numeric)}`` in the
    order of ``params``; see ``report_gradient_check`` to print it.
    Introduced in chapters/08_backprop_numpy.ipynb.
    """
    if not isinstance(params, dict) or not params:
        raise TypeError("check_gradient: params must be a non-empty dict {name: float64 array}")
    if not eps > 0:
        raise ValueError(f"check_gradient: eps must be > 0, got {eps!r}")
    for name, p in params.items():
        if not isinstance(p, np.ndarray) or p.dtype != np.float64:
            kind = getattr(p, "dtype", type(p).__name__)
            raise TypeError(f"check_gradient: params[{name!r}] is {kind}; finite differences "
                            "need float64 numpy arrays (float32 rounding, about 1e-7, swamps "
                            "them): pass {k: v.astype(np.float64) for k, v in params.items()}")
    _, grads = f(params)
    errors = {}
    for name, p in params.items():
        if name not in grads:
            raise KeyError(f"check_gradient: f returned no gradient for {name!r} "
                           f"(it returned {sorted(grads)})")
        analytic = _as_numpy(grads[name], f"gradient {name!r}")
        if analytic.shape != p.shape:
            raise ValueError(f"check_gradient: the gradient of {name!r} has shape "
                             f"{analytic.shape} but {name!r} has shape {p.shape}; a gradient "
                             "has the shape of its parameter (a missing or extra transpose?)")
        numeric = numerical_gradient(lambda: f(params)[0], p, eps)
        errors[name] = relative_error(analytic, numeric)
    return errors


def report_gradient_check(errors, tol=1e-7):
    """Print one line per parameter, ``name: relative error < tol: True``; return all passed.

    Only the pass/fail fact is printed for a pass (its digits are rounding
    noise that changes with the BLAS kernel); a failure also shows the error
    to two significant digits.  Introduced in chapters/08_backprop_numpy.ipynb.
    """
    width = max(len(name) for name in errors)
    for name, err in errors.items():
        line = f"{name:<{width}}  relative error < {tol:g}: {err < tol}"
        print(line if err < tol else f"{line}  (error {err:.2g})")
    return all(err < tol for err in errors.values())


@dataclass
class Comparison:
    """What ``compare`` found: exact equality, allclose, and the largest differences.

    Introduced in chapters/08_backprop_numpy.ipynb.
    """

    name: str
    shape: tuple
    exact: bool
    allclose: bool
    max_abs_diff: float
    max_rel_diff: float


def compare(name, ours, reference, rtol=1e-5, atol=1e-6, exact=False, verbose=True):
    """Compare a tensor with a reference; print one portable line, return a ``Comparison``.

    ``ours``, ``reference``: numpy arrays or MXNet NDArrays of one shape
    (compared in float64).  The line says whether they are allclose (``|ours -
    reference| <= atol + rtol * |reference|`` everywhere) and whether the
    largest difference, relative to the reference's largest entry, is below
    rtol (both independent of the tensor's scale).
    With ``exact=True`` it also says whether they are bit-for-bit equal: claim
    that only where the arithmetic is the same on every machine (element-wise
    steps such as ReLU's mask); sums and matrix products change their last bits
    with the BLAS kernel and thread count.  The raw differences are in the
    returned ``Comparison``.  Introduced in chapters/08_backprop_numpy.ipynb.
    """
    a = _as_numpy(ours, f"compare({name!r}): ours").astype(np.float64)
    r = _as_numpy(reference, f"compare({name!r}): reference").astype(np.float64)
    if a.shape != r.shape:
        raise ValueError(f"compare({name!r}): ours has shape {a.shape}, the reference "
                         f"{r.shape}; they must match")
    diff = np.abs(a - r)
    max_abs = float(diff.max()) if diff.size else 0.0
    ref_max = float(np.abs(r).max()) if r.size else 0.0
    max_rel = max_abs / ref_max if ref_max else (0.0 if max_abs == 0 else float("inf"))
    result = Comparison(name, a.shape, bool(np.array_equal(a, r)),
                        bool(np.allclose(a, r, rtol=rtol, atol=atol)), max_abs, max_rel)
    if verbose:
        parts = [f"{name:<4} {str(a.shape):<11}"]
        if exact:
            parts.append(f"exact: {result.exact!s:<5}")
        parts += [f"allclose: {result.allclose!s:<5}",
                  f"max|diff|/max|ref| < {rtol:g}: {max_rel < rtol}"]
        print("  ".join(parts))
    return result
