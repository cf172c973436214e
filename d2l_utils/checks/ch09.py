"""Self-checks for the exercises of chapters/09_regularization.ipynb.

Each prints one verdict line (see ``_common``) and returns True or False.
"""

import contextlib
import io

from ..regularization import EarlyStopping
from ..training import History, TrainState
from ._choice import _choice, _not_yet
from ._common import _describe, _verdict


def _packaged_stop(valid_accs, patience, min_delta):
    """(best, stop) as indices, from ``d2l.EarlyStopping`` fed one check per epoch."""
    stopper = EarlyStopping(patience=patience, min_delta=min_delta)
    state = TrainState(None, [], None, History(), len(valid_accs))
    stopper.on_train_begin(state)
    with contextlib.redirect_stdout(io.StringIO()):  # it prints one line when it stops
        for epoch, acc in enumerate(valid_accs, start=1):
            state.epoch = epoch
            state.history.valid_acc.append(acc)
            stopper.on_epoch_end(state)
            if state.stop:
                break
    return stopper.best_epoch - 1, state.epoch - 1


# (valid accuracies, patience, min_delta): noisy plateaus where the threshold matters.
_STOP_CASES = [
    ([0.70, 0.75, 0.74, 0.76, 0.75, 0.76, 0.80], 2, 0.0),
    ([0.70, 0.75, 0.755, 0.752, 0.758, 0.75, 0.74, 0.79], 3, 0.01),
    ([0.60, 0.65, 0.70, 0.72, 0.73], 2, 0.015),
    ([0.80, 0.80, 0.80, 0.79], 3, 0.0),
    ([0.50, 0.62, 0.61, 0.64, 0.66, 0.70], 2, 0.03),
]


def check_early_stopping(fn):
    """Exercise 1: ``fn(valid_accs, patience, min_delta)`` returns ``(best, stop)``.

    ``best``: the index of the check whose parameters are kept; ``stop``: the
    index of the check training ends after (the last one if it never stops).
    A check is better only if it beats the best so far by more than
    ``min_delta``.  Compared with ``d2l.EarlyStopping`` on noisy sequences.
    """
    name = "check_early_stopping"
    for accs, patience, min_delta in _STOP_CASES:
        want = _packaged_stop(accs, patience, min_delta)
        try:
            got = fn(list(accs), patience, min_delta)
        except NotImplementedError:
            return _not_yet(name, "write early_stopping's loop, with best + min_delta")
        except Exception as err:  # student code: a verdict, not a traceback
            return _verdict(name, f"raised {_describe(err)}")
        try:
            got = tuple(int(i) for i in got)
        except (TypeError, ValueError):
            got = None
        if got is None or len(got) != 2:
            return _verdict(name, "return two indices, (best, stop)")
        if got != want:
            ignored = _packaged_stop(accs, patience, 0.0)
            hint = (" (that is what min_delta = 0 gives: a check must beat the best by "
                    "MORE than min_delta)" if min_delta and got == ignored else "")
            return _verdict(name, f"for {accs} with patience={patience}, "
                                  f"min_delta={min_delta}: got (best, stop) = {got}, "
                                  f"expected {want}{hint}")
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
    """Exercise 4: which λ of the chapter's sweep to pick, where no λ > 0 reaches the mean
    validation accuracy of the seeds without decay: (c) none is shown better than 0.
    """
    return _choice("check_best_lambda", answer, "c", {
        "a": "the smallest gap is not the goal: validation accuracy is, and decay bought "
             "none here; the gap shrank because training accuracy fell",
        "b": "the highest validation accuracy of one seed per λ differs from the others by "
             "less than the seed spread: picking it picks noise (chapter 05)",
    })
