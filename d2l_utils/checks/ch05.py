"""Self-checks for the exercises of chapters/05_hyperparameters.ipynb.

``check_pick_learning_rate`` and ``check_clearly_better`` call the student's
function on small hand-made tables and score lists whose answers are known;
``check_q3`` and ``check_q4`` grade multiple-choice answers.  Each prints one
verdict line (``"<check>: correct"``, ``"<check>: wrong: ..."`` or
``"<check>: not yet: ..."`` for an unfinished stub) and returns True or False.
"""

import math

import numpy as np
import pandas as pd

from ._common import _describe, _verdict

_NOT_YET = "not yet: the function still raises NotImplementedError; write its body"


def _attempt(fn, *args):
    """(result, None) or (None, problem); an unfinished stub is 'not yet', not an error."""
    try:
        return fn(*args), None
    except NotImplementedError:
        return None, _NOT_YET
    except Exception as err:  # student code: a verdict, not a traceback
        return None, f"wrong: raised {_describe(err)}"


def _report(name, problem):
    if problem is not None and problem.startswith("not yet"):
        print(f"{name}: {problem}")
        return False
    return _verdict(name, problem.removeprefix("wrong: ") if problem else None)


def _table(lrs, valid, diverged=None):
    diverged = diverged or [False] * len(lrs)
    return pd.DataFrame({"lr": lrs, "train_loss": [math.nan if d else 0.5 for d in diverged],
                         "valid_acc": valid, "diverged": diverged})


# The learning rate to choose: the smallest rate within ``margin`` of the best
# validation accuracy among the runs that did not diverge.
_LR_CASES = [
    (_table([0.01, 0.1, 0.3, 1.0], [0.74, 0.826, 0.838, 0.1], [False, False, False, True]),
     0.02, 0.1, "two rates within the margin: take the smaller, safer one"),
    (_table([0.01, 0.1, 0.3, 1.0], [0.74, 0.80, 0.838, 0.1], [False, False, False, True]),
     0.02, 0.3, "only one rate within the margin"),
    (_table([0.1, 0.3, 1.0], [0.80, 0.83, 0.95], [False, False, True]),
     0.02, 0.3, "a diverged run never counts, whatever its accuracy says"),
    (_table([3.0, 0.03, 0.3], [0.82, 0.79, 0.825]),
     0.01, 0.3, "rows in any order"),
]


def check_pick_learning_rate(fn):
    """``fn(results, margin)``: the smallest lr within ``margin`` of the best non-diverged
    ``valid_acc`` in a sweep table (columns ``lr``, ``valid_acc``, ``diverged``)."""
    name = "check_pick_learning_rate"
    for table, margin, expected, why in _LR_CASES:
        got, problem = _attempt(fn, table.copy(), margin)
        if problem:
            return _report(name, problem)
        try:
            ok = math.isclose(float(got), expected)
        except (TypeError, ValueError):
            return _verdict(name, f"returned {got!r}; return one learning rate (a number)")
        if not ok:
            rows = ", ".join(f"lr {r.lr:g}: {r.valid_acc:.3f}{' diverged' if r.diverged else ''}"
                             for r in table.itertuples())
            return _verdict(name, f"for [{rows}] with margin {margin} you chose {got!r}, "
                                  f"expected {expected:g} ({why})")
    return _verdict(name, None)


_BETTER_CASES = [
    ([0.84, 0.842, 0.839], [0.83, 0.832, 0.829], True, "every score of a beats every one of b"),
    ([0.84, 0.842, 0.831], [0.83, 0.832, 0.829], False,
     "the ranges overlap (0.831 < 0.832): the difference is within the seed noise"),
    ([0.83, 0.832, 0.829], [0.84, 0.842, 0.839], False, "a is worse, not better"),
    ([0.835], [0.834], False, "one run each tells nothing about the noise; need 2+ each"),
    ([0.835, 0.836], [0.83, 0.831, 0.829, 0.83], True, "lists of different lengths"),
]


def check_clearly_better(fn):
    """``fn(a, b)``: True only if every score of ``a`` beats every score of ``b`` and both
    have at least two seeds."""
    name = "check_clearly_better"
    for a, b, expected, why in _BETTER_CASES:
        got, problem = _attempt(fn, list(a), list(b))
        if problem:
            return _report(name, problem)
        # np.min(a) > np.max(b) gives numpy.bool_, as correct as Python's bool
        if not isinstance(got, bool | np.bool_):
            return _verdict(name, f"returned {got!r}; return True or False")
        if bool(got) != expected:
            return _verdict(name, f"clearly_better({a}, {b}) returned {got}, expected "
                                  f"{expected}: {why}")
    return _verdict(name, None)


def _choice(name, answer, right, wrong_hints):
    if answer is None:
        print(f"{name}: not yet: set answer to one of {', '.join(map(repr, wrong_hints))}"
              f" (a letter)")
        return False
    key = str(answer).strip().lower()
    if key not in wrong_hints:
        return _verdict(name, f"{answer!r} is not one of {', '.join(map(repr, wrong_hints))}")
    return _verdict(name, None if key == right else wrong_hints[key])


_Q3_HINTS = {
    "a": "the validation images are as hard as any others (the split is random and "
         "stratified); the bias comes from how the score was chosen",
    "b": None,
    "c": "more epochs change the model, not whether its score is biased; the score of a "
         "fixed model on unseen data is unbiased",
    "d": "the validation set is never trained on here; the winner was selected by it, "
         "which is a weaker but real form of fitting it",
}


def check_q3(answer):
    """Exercise 3: why is the winning configuration's validation score optimistic?"""
    hints = dict(_Q3_HINTS)
    return _choice("check_q3", answer, "b", hints)


_Q4_HINTS = {
    "a": "SoftmaxCrossEntropyLoss works on logits with the LogSumExp trick, so nothing "
         "overflows: train it and look at the loss",
    "b": None,
    "c": "a rate 100 times larger does change training: compare the printed loss with "
         "lr 0.1's",
}


def check_q4(answer):
    """Exercise 4: what does lr 10 do with Gluon's stable loss?"""
    return _choice("check_q4", answer, "b", dict(_Q4_HINTS))
