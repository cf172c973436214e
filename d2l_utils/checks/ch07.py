"""Self-checks for the exercises of chapters/07_mlp_concise_gluon.ipynb.

Each ``check_*`` calls the student's function or inspects the student's net,
compares with an independent reference (a Gluon ``Dense`` layer's own output,
the parameter shapes Gluon creates), prints one verdict line and returns True
or False.  Random inputs come from a private NumPy generator, so a check never
moves the notebook's global seed.
"""

import math
import numbers

import mxnet as mx
import numpy as np
from mxnet import nd
from mxnet.gluon import nn

from ._choice import _choice, _not_yet
from ._common import _call, _describe, _verdict, _worst

_RNG_SEED = 2027
_TOL = 1e-5


def _dense_cases(rng):
    cases = []
    for units, shape in ((3, (5, 4)), (4, (2, 4)), (6, (3, 1, 2, 2))):
        layer = nn.Dense(units, in_units=int(np.prod(shape[1:])))
        layer.initialize()
        layer.weight.set_data(nd.array(rng.randn(*layer.weight.shape)))
        layer.bias.set_data(nd.array(rng.randn(units)))
        cases.append((layer, nd.array(rng.randn(*shape))))
    return cases


def check_dense_forward(fn):
    """Check ``fn(X, weight, bias) -> what nn.Dense computes`` (no activation).

    weight: (units, in_units) as Gluon stores it; bias: (units,); X: (n, ...)
    flattened to (n, in_units).  The result must equal the layer's own output,
    ``X W^T + b``.  Prints a verdict, returns a bool.
    Introduced in chapters/07_mlp_concise_gluon.ipynb.
    """
    name = "check_dense_forward"
    rng = np.random.RandomState(_RNG_SEED)
    for layer, X in _dense_cases(rng):
        W, b = layer.weight.data(), layer.bias.data()
        got, problem = _call(fn, X, W, b)
        if problem:
            if problem.startswith("raised NotImplementedError"):
                return _not_yet(name, "fill in dense_forward(X, weight, bias) with nd.dot")
            if "dot" in problem.lower() or "shape" in problem.lower():
                problem += (f" (X {X.shape}, weight {W.shape}: Gluon stores weight as "
                            "(units, in_units); flatten X and multiply by weight.T)")
            return _verdict(name, problem)
        expected = layer(X).asnumpy()
        if got.shape != expected.shape:
            return _verdict(name, f"wrong shape {got.shape} for X {X.shape} and weight "
                                  f"{W.shape}, expected {expected.shape}: (examples, units)")
        flat = X.asnumpy().reshape(X.shape[0], -1)
        if W.shape[0] == W.shape[1] and np.allclose(
                got, flat @ W.asnumpy() + b.asnumpy(), atol=_TOL):
            return _verdict(name, "this is X weight + b; Gluon's weight is (units, in_units), "
                                  "so the layer computes X weight^T + b")
        i, err = _worst(got, expected)
        if err > _TOL * max(1.0, abs(float(expected[i]))):
            return _verdict(name, f"max abs error {err:.3g} at {i} for X {X.shape}, weight "
                                  f"{W.shape}: got {got[i]:.6g}, expected {expected[i]:.6g}")
    return _verdict(name, None)


def _layers(net):
    try:
        return list(net)
    except TypeError:
        return [net]


def check_source_net(net):
    """Check that ``net`` is the source material's 784-300-100-10 ReLU network in Gluon.

    net: an initialised Gluon block (``initialize`` called; the check feeds it
    a batch of two images).  Expected: three ``nn.Dense`` layers whose weights
    Gluon stores as (300, 784), (100, 300), (10, 100), ReLU after the two hidden
    layers and none after the last (it returns logits); 266,610 parameters.
    Prints a verdict, returns a bool.  Introduced in chapters/07_mlp_concise_gluon.ipynb.
    """
    name = "check_source_net"
    if net is None:
        return _not_yet(name, "build net = nn.HybridSequential() with three nn.Dense layers "
                              "and call net.initialize()")
    if not isinstance(net, nn.Block):
        return _verdict(name, f"net must be a Gluon block, got {type(net).__name__}")
    try:
        out = net(nd.zeros((2, 1, 28, 28)))
    except Exception as err:
        text = _describe(err)
        hint = (": call net.initialize() first" if "initializ" in text.lower() else "")
        return _verdict(name, f"net(X) raised {text}{hint}"[:300])
    if not isinstance(out, nd.NDArray) or out.shape != (2, 10):
        return _verdict(name, f"net(X) must return (batch, 10) logits, got "
                              f"{getattr(out, 'shape', type(out).__name__)}")
    layers = _layers(net)
    dense = [layer for layer in layers if isinstance(layer, nn.Dense)]
    shapes = [tuple(layer.weight.shape) for layer in dense]
    expected = [(300, 784), (100, 300), (10, 100)]
    if shapes != expected:
        return _verdict(name, f"Dense weight shapes are {shapes}, expected {expected} "
                              "((units, in_units): Dense(300), Dense(100), Dense(10))")
    acts = [getattr(getattr(layer, "act", None), "_act_type", None) for layer in dense]
    extra = [type(layer).__name__ for layer in layers if not isinstance(layer, nn.Dense)]
    hidden_relu = all(a == "relu" for a in acts[:2]) or (
        extra == ["Activation", "Activation"] and all(a is None for a in acts))
    if acts[2] is not None:
        return _verdict(name, f"the last Dense layer has activation {acts[2]!r}; it must "
                              "return logits (no activation): the loss applies the softmax")
    if not hidden_relu:
        return _verdict(name, f"the hidden layers' activations are {acts[:2]}, expected "
                              "'relu' (nn.Dense(300, activation='relu'), ...)")
    return _verdict(name, None)


_CAPACITY_ANSWER = "b"
_CAPACITY_HINTS = {
    "a": "underfitting shows as low training accuracy; here training accuracy keeps rising",
    "c": "a learning rate that is too large makes the training loss jump or diverge; here "
         "training goes smoothly, only the test accuracy stops improving",
    "d": "the two curves are measured differently, but that does not explain the gap: the "
         "training curve is a running average taken during each epoch while the weights "
         "change, the validation curve is evaluate_accuracy after the epoch; measured after "
         "the epoch too, the training accuracy is even higher (the chapter checks it)",
}


def check_capacity(answer):
    """Multiple choice: training accuracy keeps rising while test accuracy stalls. Why?

    a) the network is too small (underfitting); b) it is fitting details of the
    training examples that do not carry over to new images (overfitting);
    c) the learning rate is too large; d) the accuracy is measured wrongly.
    Prints a verdict, returns a bool.  Introduced in chapters/07_mlp_concise_gluon.ipynb.
    """
    return _choice("check_capacity", answer, _CAPACITY_ANSWER, _CAPACITY_HINTS)


def _best_epoch_cases():
    return [([0.70, 0.80, 0.85, 0.84], 3, "the highest value is in epoch 3"),
            ([0.9, 0.8, 0.7], 1, "the highest value is in the first epoch, epoch 1"),
            ([0.80, 0.83, 0.83, 0.82], 2, "on a tie take the first (earliest) epoch"),
            ([0.5], 1, "a single epoch")]


def check_best_epoch(fn):
    """Check ``fn(valid_acc) -> the epoch (1-based) of the highest validation accuracy``.

    valid_acc: a list with one accuracy per epoch, as in ``History.valid_acc``.
    On ties the first such epoch.  Prints a verdict, returns a bool.
    Introduced in chapters/07_mlp_concise_gluon.ipynb.
    """
    name = "check_best_epoch"
    for accs, expected, why in _best_epoch_cases():
        try:
            got = fn(list(accs))
        except NotImplementedError:
            return _not_yet(name, "fill in best_epoch(valid_acc)")
        except Exception as err:
            return _verdict(name, f"best_epoch({accs}) raised {_describe(err)}")
        if isinstance(got, bool) or not isinstance(got, numbers.Integral):
            return _verdict(name, f"best_epoch({accs}) returned {got!r}; return an int "
                                  "(an epoch number)")
        if got != expected:
            if got == expected - 1:
                why = "epochs count from 1 (the list's index 0 is epoch 1)"
            return _verdict(name, f"best_epoch({accs}) returned {got}, expected {expected}: "
                                  f"{why}")
    return _verdict(name, None)


def check_cosine_lr(fn):
    """Check ``fn(step, max_update, base_lr, final_lr) -> the cosine schedule's rate``.

    Compared with ``mx.lr_scheduler.CosineScheduler(max_update, base_lr, final_lr)``
    at every step from 0 to ``max_update`` (its rate stays at ``final_lr``
    after that).  Prints a verdict, returns a bool.
    Introduced in chapters/07_mlp_concise_gluon.ipynb.
    """
    name = "check_cosine_lr"
    for max_update, base_lr, final_lr in ((10, 0.001, 0.0), (40, 0.5, 0.01)):
        schedule = mx.lr_scheduler.CosineScheduler(max_update=max_update, base_lr=base_lr,
                                                   final_lr=final_lr)
        for step in range(max_update + 1):
            expected = schedule(step)
            try:
                got = fn(step, max_update, base_lr, final_lr)
            except NotImplementedError:
                return _not_yet(name, "fill in cosine_lr(step, max_update, base_lr, final_lr)")
            except Exception as err:
                return _verdict(name, f"cosine_lr({step}, {max_update}, {base_lr}, {final_lr}) "
                                      f"raised {_describe(err)}")
            if isinstance(got, bool) or not isinstance(got, numbers.Real):
                return _verdict(name, f"returned {got!r}; return a number")
            ok = math.isclose(float(got), expected, rel_tol=1e-6, abs_tol=1e-12)
            if not ok:
                hint = (" (the rate starts at base_lr: cos(0) = 1)" if step == 0 else
                        " (it ends at final_lr: cos(pi) = -1)" if step == max_update else "")
                return _verdict(name, f"cosine_lr({step}, {max_update}, {base_lr}, "
                                      f"{final_lr}) = {float(got):.6g}, CosineScheduler gives "
                                      f"{expected:.6g}{hint}")
    return _verdict(name, None)
