"""Self-checks for the exercises of chapters/03_softmax_from_scratch.ipynb.

Each ``check_*`` calls the student's function on fixed inputs (or reads a
multiple-choice answer), compares with an independent reference (NumPy,
``nd.pick``), prints one verdict line, ``"<check>: correct"``,
``"<check>: wrong: <what exactly is wrong>"`` or, for an untouched stub,
``"<check>: not yet: ..."``, and returns True or False.
"""

import math

import numpy as np
from mxnet import nd

from ._common import _call, _describe, _fmt, _verdict

_NOT_YET = "not yet"


def _stub_verdict(name, problem, todo):
    """Verdict line; a stub that still raises NotImplementedError gets a "not yet" line."""
    if problem is not None and problem.startswith("raised NotImplementedError"):
        print(f"{name}: {_NOT_YET}: {todo}")
        return False
    return _verdict(name, problem)


def _choice_verdict(name, answer, options, right, hints):
    """Verdict for a multiple-choice answer: ``options`` maps letters to their text."""
    if answer is None:
        print(f"{name}: {_NOT_YET}: set the answer to one of "
              + ", ".join(repr(k) for k in options))
        return False
    key = str(answer).strip().lower()
    if key not in options:
        return _verdict(name, f"{answer!r} is not one of the options "
                              + ", ".join(repr(k) for k in options))
    return _verdict(name, None if key == right else hints[key])


# ---- exercise 1: the mean loss over a whole dataset ------------------------------------

def _loss_data():
    """A fixed linear net, its per-example loss and 50 examples in batches of 16, 16, 16, 2.

    The last batch is small and its losses are much larger than the others', so
    averaging per-batch means gives a clearly different number than averaging
    over the examples.
    """
    rng = np.random.RandomState(3)
    X = rng.randn(50, 4).astype(np.float32)
    y = rng.randint(0, 3, size=50).astype(np.float32)
    W = nd.array(rng.randn(4, 3).astype(np.float32))
    X[48:] *= 3  # the last batch: confident and wrong predictions, large losses
    y[48:] = (nd.dot(nd.array(X[48:]), W).argmax(axis=1).asnumpy() + 1) % 3

    def net(X):
        return nd.softmax(nd.dot(X, W), axis=1)

    def loss(y_hat, y):
        return -nd.pick(y_hat, y).clip(1e-12, 1).log()

    batches = [(nd.array(X[i:i + 16]), nd.array(y[i:i + 16])) for i in range(0, 50, 16)]
    per_example = np.concatenate([loss(net(Xb), yb).asnumpy() for Xb, yb in batches])
    return net, loss, batches, per_example


def check_evaluate_loss(fn):
    """Check ``fn(data_iter, net, loss)``: the mean per-example loss over all of ``data_iter``.

    It must return a number (a Python float, or an NDArray holding one).
    """
    name = "check_evaluate_loss"
    net, loss, batches, per_example = _loss_data()
    try:
        out = fn(batches, net, loss)
    except Exception as err:  # student code: a verdict, not a traceback
        return _stub_verdict(name, f"raised {_describe(err)}",
                             "write the loop over data_iter, then run this cell again")
    if isinstance(out, nd.NDArray):
        if out.size != 1:
            return _verdict(name, f"returned an NDArray of shape {out.shape}; return one "
                                  "number, the mean loss over every example")
        out = out.asscalar()
    try:
        got = float(out)
    except (TypeError, ValueError):
        return _verdict(name, f"returned {type(out).__name__} {out!r}, expected a number")
    expected = float(per_example.mean())
    if math.isclose(got, expected, rel_tol=1e-4):
        return _verdict(name, None)
    sums = [float(per_example[i:i + 16].sum()) for i in range(0, 50, 16)]
    sizes = [min(16, 50 - i) for i in range(0, 50, 16)]
    known = {
        sum(sums): "returned the summed loss; divide it by the number of examples",
        float(np.mean([s / n for s, n in zip(sums, sizes, strict=True)])):
            "averaged the per-batch means, which over-weights the small last batch; add up "
            "the losses and the number of examples (y.size) and divide once at the end",
        sum(sums) / (16 * len(sums)):
            "divided by (number of batches x batch size), but the last batch has only 2 "
            "examples; count the examples with y.size",
        sums[0] / 16: "used only the first batch; loop over every batch of data_iter",
        sums[-1] / 2: "kept only the last batch; add each batch's loss to a running sum",
        -expected: "the sign is flipped: the loss is already positive, do not negate it",
    }
    for value, hint in known.items():
        if math.isclose(got, value, rel_tol=1e-4):
            return _verdict(name, hint)
    return _verdict(name, f"returned {got:.6g}, expected the mean loss {expected:.6g} over "
                          f"{len(per_example)} examples")


# ---- exercise 2: learning rates, and nan at lr = 1 -------------------------------------

LR_OPTIONS = (0.01, 0.1, 0.5, 1)
NAN_CAUSES = {
    "a": "lr = 1 is too small a step to make progress in three epochs",
    "b": "the steps are so large that the logits grow until exp overflows in our naive "
         "softmax; inf / inf is nan, and train_ch3 stops",
    "c": "the images contain nan pixels that only matter at lr = 1",
    "d": "with lr = 1 sgd no longer divides the gradient by the batch size",
}


def check_learning_rates(lowest_loss_lr, nan_cause):
    """Check exercise 2: which lr of ``LR_OPTIONS`` has the lowest training loss after
    three epochs, and which letter of ``NAN_CAUSES`` explains the stop at lr = 1."""
    name = "check_learning_rates"
    if lowest_loss_lr is None or nan_cause is None:
        print(f"{name}: {_NOT_YET}: set lowest_loss_lr to one of {LR_OPTIONS} and nan_cause "
              f"to one of {sorted(NAN_CAUSES)}")
        return False
    if lowest_loss_lr not in LR_OPTIONS:
        return _verdict(name, f"lowest_loss_lr={lowest_loss_lr!r} is not one of {LR_OPTIONS}")
    lr_hints = {
        0.01: "at lr = 0.01 the steps are small: after three epochs the loss is still far "
              "above the others'; compare the loss column of each run",
        0.5: "lr = 0.5 may reach a good test accuracy, but compare the training loss: the "
             "large steps overshoot, and its loss stays higher than at a smaller lr",
        1: "at lr = 1 the loss becomes nan and train_ch3 stops after the first epoch",
    }
    if lowest_loss_lr != 0.1:
        return _verdict(name, lr_hints[lowest_loss_lr])
    cause_hints = {
        "a": "a larger lr takes larger steps, not smaller ones; the loss did not stall, it "
             "became nan",
        "c": "the same images train fine at lr = 0.1; look at what the large steps do to W",
        "d": "sgd always divides by batch_size; look at what the large steps do to the logits",
    }
    return _choice_verdict(name, nan_cause, NAN_CAUSES, "b", cause_hints)


# ---- exercise 3: cross-entropy with one-hot labels -------------------------------------

def _one_hot_cases():
    rng = np.random.RandomState(5)
    logits = rng.randn(6, 4) * 2
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    cases = [(np.array([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]]), np.array([0, 2])),
             (p, rng.randint(0, 4, size=6)),
             # a zero probability in a class that is not the label: 0 * log 0 must not count
             (np.array([[0.0, 0.25, 0.75], [0.5, 0.5, 0.0]]), np.array([2, 1]))]
    return [(nd.array(y_hat), nd.one_hot(nd.array(y), y_hat.shape[1]), y)
            for y_hat, y in cases]


def check_cross_entropy_one_hot(fn):
    """Check ``fn(y_hat, Y)``: the per-example cross-entropy for one-hot labels ``Y``.

    y_hat: (batch, classes) probabilities; Y: (batch, classes) with a single 1
    per row.  Must equal ``-log(pick(y_hat, y))``, shape (batch,).
    """
    name = "check_cross_entropy_one_hot"
    for y_hat, Y, y in _one_hot_cases():
        got, problem = _call(fn, y_hat, Y)
        if problem:
            return _stub_verdict(name, problem, "write the loss with Y and y_hat, then run "
                                                "this cell again")
        expected = -np.log(y_hat.asnumpy()[np.arange(len(y)), y])
        at = f"for y_hat {_fmt(y_hat.asnumpy())} and labels {y.tolist()}"
        if got.shape != expected.shape:
            return _verdict(name, f"returned shape {got.shape}, expected {expected.shape}: one "
                                  "loss per example; sum over the classes only, "
                                  "sum(axis=1)")
        if np.isnan(got).any():
            return _verdict(name, f"returns nan {at}: a probability of 0 in a class that is "
                                  "not the label gives 0 * log(0) = 0 * -inf = nan; pick the "
                                  "true class's probability first, (Y * y_hat).sum(axis=1), "
                                  "then take the log")
        if np.allclose(got, -expected, rtol=1e-4):
            return _verdict(name, f"the sign is flipped {at}: the loss is minus the log")
        k = y_hat.shape[1]
        if np.allclose(got, expected / k, rtol=1e-4):
            return _verdict(name, "divided by the number of classes: use sum(axis=1), not "
                                  "mean(axis=1), over the classes")
        if not np.allclose(got, expected, rtol=1e-4, atol=1e-6):
            return _verdict(name, f"got {_fmt(got)}, expected {_fmt(expected)} {at}")
    return _verdict(name, None)


# ---- exercise 4: more epochs (conceptual) ----------------------------------------------

MORE_EPOCHS = {
    "a": "training loss and test accuracy keep improving as fast as in the first epochs",
    "b": "the training loss keeps falling, ever more slowly; the test accuracy levels off "
         "and may even drop a little once the model starts to fit the training images' "
         "quirks",
    "c": "the training loss starts to rise again after ten epochs",
    "d": "the test accuracy climbs to 100% if we only train long enough",
}


def check_more_epochs(answer):
    """Check exercise 4: what 50 epochs instead of 10 do (a letter of ``MORE_EPOCHS``)."""
    hints = {
        "a": "look at the check after the training cell: the loss fell far less in later "
             "epochs than in the first ones",
        "c": "with a small enough learning rate each epoch lowers the training loss a "
             "little; it is the test accuracy that can get worse",
        "d": "a linear model draws straight boundaries between classes; shirts and T-shirts "
             "overlap, so some test images stay wrong however long we train",
    }
    return _choice_verdict("check_more_epochs", answer, MORE_EPOCHS, "b", hints)
