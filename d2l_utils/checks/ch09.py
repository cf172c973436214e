"""Self-checks for the exercises of chapters/09_regularization.ipynb.

Each prints one verdict line (see ``_common``) and returns True or False.
"""

import numpy as np
from mxnet import autograd, nd

from ._choice import _choice, _not_yet, _report
from ._common import _call, _describe, _verdict


def check_dropout(fn):
    """Exercise 1: ``fn(X, rate)`` is inverted dropout, active only while training.

    Checked: the identity when predicting and at rate 0; all zeros at rate 1;
    while training, about ``rate`` of the elements zeroed, the rest scaled by
    ``1 / (1 - rate)``, so the mean is kept; gradients flow through the mask.
    """
    name = "check_dropout"
    X = nd.array(np.random.default_rng(0).uniform(0.5, 1.5, size=(400, 250)))
    got, problem = _call(fn, X, 0.5)
    if problem:
        return _report(name, problem, "replace `raise NotImplementedError` with inverted "
                                      "dropout")
    if not np.array_equal(got, X.asnumpy()):
        return _verdict(name, "outside autograd.record() (predicting) it must return X "
                              "unchanged; test autograd.is_training()")
    for rate, expect in ((0.0, "X unchanged"), (1.0, "all zeros")):
        with autograd.record():
            out, problem = _call(fn, X, rate)
        if problem:
            return _verdict(name, f"rate={rate}: {problem}")
        want = X.asnumpy() if rate == 0 else np.zeros(X.shape, np.float32)
        if not np.array_equal(out, want):
            return _verdict(name, f"rate={rate} while training must give {expect}")
    with autograd.record():
        out, problem = _call(fn, X, 0.3)
    if problem:
        return _verdict(name, f"rate=0.3 while training: {problem}")
    kept = out != 0
    share = 1 - kept.mean()
    if abs(share - 0.3) > 0.02:
        return _verdict(name, f"rate=0.3 zeroed {share:.2f} of the elements, expected about "
                              "0.30 (keep an element when a uniform draw is > rate)")
    ratio = out[kept] / X.asnumpy()[kept]
    if not np.allclose(ratio, 1 / 0.7, rtol=1e-5):
        return _verdict(name, f"kept elements are multiplied by {np.median(ratio):.3f}, "
                              "expected 1/(1-rate) = 1.429, which keeps the expected value")
    x = X.copy()
    x.attach_grad()
    try:
        with autograd.record():
            y = fn(x, 0.3)
        y.backward()
    except Exception as err:
        return _verdict(name, f"autograd cannot differentiate it: {_describe(err)}")
    g, y = x.grad.asnumpy(), y.asnumpy()
    if not np.allclose(g, (y != 0) / 0.7, rtol=1e-5):
        return _verdict(name, "the gradient is not mask / (1 - rate): keep every step in nd "
                              "operations")
    return _verdict(name, None)


_DIAGNOSES = {
    "a": ("high variance", "training 0.99 and validation 0.81: a large gap is overfitting"),
    "b": ("high bias", "training 0.72 and validation 0.71: it cannot fit even the training data"),
    "c": ("fine", "training 0.90 and validation 0.89: a small gap at a good accuracy"),
}


def check_diagnosis(answer):
    """Exercise 2: ``answer`` maps 'a', 'b', 'c' to 'high bias', 'high variance' or 'fine'.

    a) train 0.99, valid 0.81; b) train 0.72, valid 0.71; c) train 0.90, valid 0.89.
    """
    name = "check_diagnosis"
    if answer is None:
        return _not_yet(name, "set answer to a dict such as {'a': 'high bias', ...}")
    if not isinstance(answer, dict) or set(answer) != set(_DIAGNOSES):
        return _verdict(name, f"answer must be a dict with keys 'a', 'b', 'c', got {answer!r}")
    for key, (want, why) in _DIAGNOSES.items():
        if answer[key] != want:
            return _verdict(name, f"{key}) is {want!r}: {why}")
    return _verdict(name, None)


_FLIPS = {"clothing": {"left-right"}, "digits": set()}


def check_flips(answer):
    """Exercise 3: which flips keep the label? ``answer`` maps 'clothing' and 'digits' to a
    set of flips from {'left-right', 'up-down'}.
    """
    name = "check_flips"
    if answer is None:
        return _not_yet(name, "set answer to {'clothing': {...}, 'digits': {...}}")
    if not isinstance(answer, dict) or set(answer) != set(_FLIPS) or not all(
            isinstance(v, set) and v <= {"left-right", "up-down"} for v in answer.values()):
        return _verdict(name, "answer must map 'clothing' and 'digits' to sets of "
                              "'left-right' / 'up-down'")
    if "up-down" in answer["clothing"]:
        return _verdict(name, "an upside-down shirt is not how shirts appear in the data: "
                              "up-down flips make images of a kind the model never meets")
    if "left-right" not in answer["clothing"]:
        return _verdict(name, "a mirrored shirt, shoe or bag is still a shirt, shoe or bag: "
                              "left-right flips are safe for clothing")
    if answer["digits"]:
        return _verdict(name, "a mirrored or upside-down digit is another symbol (or another "
                              "digit: 6 and 9); no flip is safe for digits")
    return _verdict(name, None)


def check_best_lambda(answer):
    """Exercise 4: with twice the training data, does the best weight decay λ get
    (a) smaller, (b) larger or (c) stay the same?
    """
    return _choice("check_best_lambda", answer, "a", {
        "b": "more data means less variance to remove, so less regularization is needed, "
             "not more",
        "c": "the best λ trades variance for bias; with more data there is less variance, "
             "so the balance moves",
    })
