"""Self-checks for the exercises of chapters/A1_tf1_to_mxnet.ipynb (TF1 -> MXNet/Gluon).

Each prints one verdict line (see ``_common``) and returns True or False.
A student's stub (``raise NotImplementedError``, or an answer left at None)
gets a "not yet" line (``_choice._not_yet``), never "wrong" and never a traceback.
"""

import numpy as np
from mxnet import autograd, nd
from mxnet.gluon import nn

from ._choice import _not_yet
from ._common import _call, _describe, _fmt, _gradient, _verdict

_RNG_SEED = 2024
_NOT_WRITTEN = "replace `raise NotImplementedError` with your code"
# Dropout is checked on this many elements: the dropped fraction's standard deviation is
# below 0.0013 for every keep_prob, so a tolerance of 0.01 is more than 7 of them.
_DROPOUT_SIZE = (400, 400)
_DROPOUT_TOL = 0.01


def _dropout_problem(fn, keep_prob):
    try:
        block = fn(keep_prob)
    except NotImplementedError:
        return _NOT_WRITTEN
    except Exception as err:  # student code: a verdict, not a traceback
        return f"raised {_describe(err)}"
    if not isinstance(block, nn.Dropout):
        return (f"returned a {type(block).__name__}, expected a gluon.nn.Dropout block "
                "(build it with nn.Dropout(rate=...))")
    x = nd.ones(_DROPOUT_SIZE)
    try:
        outside = block(x)
        with autograd.record():
            inside = block(x)
    except Exception as err:
        return f"calling the block raised {_describe(err)}"
    if not np.array_equal(outside.asnumpy(), x.asnumpy()):
        return "outside autograd.record() the block must pass its input through unchanged"
    kept = inside.asnumpy()
    dropped = float((kept == 0).mean())
    if abs(dropped - keep_prob) < _DROPOUT_TOL and abs(keep_prob - 0.5) > 2 * _DROPOUT_TOL:
        return (f"for keep_prob={keep_prob} it drops {dropped:.2f} of the values, i.e. "
                f"keep_prob itself: Gluon's rate is the probability to DROP a value, TF1's "
                f"keep_prob the probability to KEEP it, so rate = 1 - keep_prob")
    if abs(dropped - (1 - keep_prob)) > _DROPOUT_TOL:
        return (f"for keep_prob={keep_prob} it drops {dropped:.2f} of the values, expected "
                f"{1 - keep_prob:.2f} (rate = 1 - keep_prob)")
    survivors = kept[kept != 0]
    if not np.allclose(survivors, 1 / keep_prob, rtol=1e-5):
        return (f"kept values are {_fmt(np.unique(survivors)[:3])}, expected 1/keep_prob = "
                f"{1 / keep_prob:.4g} (inverted dropout, as tf.nn.dropout)")
    return None


def check_dropout(fn):
    """Exercise 1: ``fn(keep_prob)`` returns the Gluon block for ``tf.nn.dropout(x, keep_prob)``.

    Checked for keep_prob 0.8, 0.9 and 0.5: the result is an ``nn.Dropout``;
    outside ``autograd.record()`` it returns its input unchanged; inside, it
    zeroes a fraction 1 - keep_prob (within 0.01, on 160,000 values) and scales
    the others by 1/keep_prob.  Draws from MXNet's random generator.
    Introduced in chapters/A1_tf1_to_mxnet.ipynb.
    """
    name = "check_dropout"
    for keep_prob in (0.8, 0.9, 0.5):
        problem = _dropout_problem(fn, keep_prob)
        if problem == _NOT_WRITTEN:
            return _not_yet(name, problem)
        if problem:
            return _verdict(name, problem)
    return _verdict(name, None)


def _l2_problem(fn, w):
    x = w.copy()
    got, problem = _call(fn, x)
    if problem:
        return _NOT_WRITTEN if problem.startswith("raised NotImplementedError") else problem
    if not np.array_equal(w.asnumpy(), x.asnumpy()):
        return "it changes its input in place; compute a new array"
    a = w.asnumpy().astype(np.float64)
    expected = (a ** 2).sum() / 2
    if got.size != 1:
        return (f"returned shape {got.shape} for an input of shape {a.shape}: "
                "tf.nn.l2_loss is one number, the sum over all elements")
    value = float(got.reshape(-1)[0])
    tol = 1e-5 * max(1.0, expected)
    if abs(value - expected) <= tol:
        pass
    elif abs(value - 2 * expected) <= 2 * tol:
        return ("this is sum(w**2), twice tf.nn.l2_loss: TF1 halves it, "
                "l2_loss(w) = sum(w**2) / 2")
    elif abs(value - np.sqrt(2 * expected)) <= tol:
        return ("this is the norm ||w||; tf.nn.l2_loss has no square root: sum(w**2) / 2")
    elif abs(value - expected / a.size) <= tol or abs(value - 2 * expected / a.size) <= tol:
        return "this is a mean over the elements; tf.nn.l2_loss sums: sum(w**2) / 2"
    else:
        return f"for w = {_fmt(a)} got {value:.6g}, expected sum(w**2) / 2 = {expected:.6g}"
    grad, problem = _gradient(fn, w)
    if problem:
        return problem
    if not np.allclose(grad, a, rtol=1e-5, atol=1e-6):
        return ("values are right but the autograd gradient is not w itself; keep every "
                "step in nd operations")
    return None


def check_l2_loss(fn):
    """Exercise 2: ``fn(w)`` computes ``tf.nn.l2_loss(w)`` with nd: ``sum(w**2) / 2``.

    ``w``: an NDArray of any shape; the result: one number (shape (1,) or ())
    within a relative 1e-5, whose autograd gradient is ``w`` (which is why
    Trainer's ``wd`` equals a penalty ``wd * l2_loss(w)``).  Sum without the
    half, the norm and a mean are named.
    Introduced in chapters/A1_tf1_to_mxnet.ipynb.
    """
    rng = np.random.RandomState(_RNG_SEED)
    cases = [nd.array([[1.0, -2.0], [3.0, 0.5]]), nd.array([3.0, 4.0]),
             nd.array(rng.randn(5, 7))]
    for w in cases:
        problem = _l2_problem(fn, w)
        if problem == _NOT_WRITTEN:
            return _not_yet("check_l2_loss", problem)
        if problem:
            return _verdict("check_l2_loss", problem)
    return _verdict("check_l2_loss", None)


SPARSE_LOSS_CHOICES = {
    "a": "gluon.loss.SoftmaxCrossEntropyLoss()",
    "b": "gluon.loss.SoftmaxCrossEntropyLoss(sparse_label=False)",
    "c": "gluon.loss.SoftmaxCrossEntropyLoss(from_logits=True)",
    "d": "gluon.loss.SigmoidBinaryCrossEntropyLoss()",
}


def check_sparse_loss(answer):
    """Exercise 3: which Gluon loss is ``tf.nn.sparse_softmax_cross_entropy_with_logits``?

    ``answer``: a letter from ``SPARSE_LOSS_CHOICES``.
    Introduced in chapters/A1_tf1_to_mxnet.ipynb.
    """
    name = "check_sparse_loss"
    if answer is None:
        return _not_yet(name, "set answer to 'a', 'b', 'c' or 'd'")
    if not isinstance(answer, str) or answer.strip().lower() not in SPARSE_LOSS_CHOICES:
        return _verdict(name, f"answer must be one of 'a', 'b', 'c', 'd', got {answer!r}")
    why = {"b": "b) is the one-hot form, softmax_cross_entropy_with_logits: sparse_label=False "
                "expects labels of shape (n, classes); the sparse form takes class indices",
           "c": "c) expects log-probabilities (from_logits=True skips the log-softmax); TF1's "
                "function takes logits",
           "d": "d) is a sigmoid per class (independent yes/no labels), not a softmax over "
                "the classes"}
    return _verdict(name, why.get(answer.strip().lower()))
