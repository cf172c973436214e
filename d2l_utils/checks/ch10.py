"""Self-checks for the exercises of chapters/10_optimization.ipynb.

``check_momentum`` and ``check_adam`` run the student's update on random
weights and random gradients, step by step next to ``gluon.Trainer`` (the
reference, see ``d2l_utils.optim.gluon_steps``), and name the first state or
parameter that differs, with a hint when the mistake is a known one (wrong
sign, no bias correction, swapped decay, an update that is not in place).
``check_init_std`` checks a multiple-choice answer.  Each prints one verdict
line and returns True or False.  Random inputs come from a private generator.
"""

import numpy as np

from .. import optim
from ._common import _describe, _verdict

_TOL = 1e-5  # absolute, on weights, states and gradients of size ~1 (float32)
_LR = 0.05
_STATE_NAMES = {'momentum': ('v (velocity)',), 'adam': ('m (first moment)',
                                                         'v (second moment)')}
_SIGNATURES = {
    'momentum': ("states: one velocity v per parameter (zeros at first); hp: {'lr', "
                 "'momentum'}; v <- momentum * v - lr * g; p <- p + v, in place"),
    'adam': ("states: one pair (m, v) per parameter (zeros at first); hp: {'lr', 'beta1', "
             "'beta2', 'epsilon', 't'}, t = steps taken so far (0 at first, add 1 first)"),
}


def _run(name, fn, weights, grads):
    """The student's trajectory, or (None, problem)."""
    try:
        return optim.scratch_steps(fn, name, weights, grads, _LR), None
    except NotImplementedError:
        return None, "not yet"
    except Exception as err:  # student code: any error is a verdict, never a traceback
        return None, f"raised {_describe(err)}"


def _pairs(name, states):
    """Per parameter, the tuple of its state arrays."""
    return [tuple(s) if name == 'adam' else (s,) for s in states]


def _first_mismatch(name, ours, ref):
    """(step, what, error) of the first difference beyond _TOL, or None."""
    for step, ((p1, s1), (p2, s2)) in enumerate(zip(ours, ref, strict=True), start=1):
        for i, (a_states, b_states, a, b) in enumerate(
                zip(_pairs(name, s1), _pairs(name, s2), p1, p2, strict=True)):
            for label, x, y in zip(_STATE_NAMES[name], a_states, b_states, strict=True):
                err = float(np.abs(x - y).max()) if np.isfinite(x).all() else np.inf
                if err > _TOL:
                    return step, f"state {label} of parameter {i}", err
            err = float(np.abs(a - b).max()) if np.isfinite(a).all() else np.inf
            if err > _TOL:
                return step, f"parameter {i}", err
    return None


# ---- known mistakes: (hint, the wrong update) ---------------------------------------


def _momentum_plus(params, states, hp):
    for p, v in zip(params, states, strict=True):
        v[:] = hp['momentum'] * v + hp['lr'] * p.grad
        p[:] += v


def _momentum_forgets(params, states, hp):
    for p, v in zip(params, states, strict=True):
        v[:] = -hp['lr'] * p.grad
        p[:] += v


def _momentum_dampened(params, states, hp):
    for p, v in zip(params, states, strict=True):
        v[:] = hp['momentum'] * v - (1 - hp['momentum']) * hp['lr'] * p.grad
        p[:] += v


def _momentum_d2l(params, states, hp):
    for p, v in zip(params, states, strict=True):
        v[:] = hp['momentum'] * v + p.grad
        p[:] -= hp['lr'] * v


def _adam_no_correction(params, states, hp):
    hp['t'] += 1
    for p, (m, v) in zip(params, states, strict=True):
        m[:] = hp['beta1'] * m + (1 - hp['beta1']) * p.grad
        v[:] = hp['beta2'] * v + (1 - hp['beta2']) * p.grad.square()
        p[:] -= hp['lr'] * m / (v.sqrt() + hp['epsilon'])


def _adam_swapped(params, states, hp):
    hp['t'] += 1
    b1, b2, t = hp['beta1'], hp['beta2'], hp['t']
    for p, (m, v) in zip(params, states, strict=True):
        m[:] = (1 - b1) * m + b1 * p.grad
        v[:] = (1 - b2) * v + b2 * p.grad.square()
        p[:] -= hp['lr'] * (m / (1 - b1 ** t)) / ((v / (1 - b2 ** t)).sqrt() + hp['epsilon'])


def _adam_late_t(params, states, hp):
    b1, b2, t = hp['beta1'], hp['beta2'], hp['t'] + 1
    for p, (m, v) in zip(params, states, strict=True):
        m[:] = b1 * m + (1 - b1) * p.grad
        v[:] = b2 * v + (1 - b2) * p.grad.square()
        p[:] -= hp['lr'] * (m / (1 - b1 ** t)) / ((v / (1 - b2 ** t)).sqrt() + hp['epsilon'])
    # forgets hp['t'] += 1: every step is corrected as if it were the first


def _adam_abs(params, states, hp):
    hp['t'] += 1
    b1, b2, t = hp['beta1'], hp['beta2'], hp['t']
    for p, (m, v) in zip(params, states, strict=True):
        m[:] = b1 * m + (1 - b1) * p.grad
        v[:] = b2 * v + (1 - b2) * p.grad.abs()
        p[:] -= hp['lr'] * (m / (1 - b1 ** t)) / ((v / (1 - b2 ** t)).sqrt() + hp['epsilon'])


_KNOWN = {
    'momentum': [
        ("the velocity adds +lr * g, so the parameters climb the gradient: use "
         "v <- momentum * v - lr * g", _momentum_plus),
        ("the velocity ignores its previous value (this is plain SGD): keep momentum * v "
         "in v <- momentum * v - lr * g", _momentum_forgets),
        ("the gradient is scaled by (1 - momentum) (a dampened, EMA-style momentum); "
         "Gluon's velocity adds the full -lr * g", _momentum_dampened),
        ("this is the other common convention (v <- momentum * v + g; p <- p - lr * v): the "
         "parameters agree, but this exercise stores Gluon's velocity v <- momentum * v - lr "
         "* g (it includes the learning rate and the sign)", _momentum_d2l),
    ],
    'adam': [
        ("missing bias correction: divide m by (1 - beta1**t) and v by (1 - beta2**t) "
         "before the step; without it the first steps are too large (at t = 1 by "
         "(1 - beta1) / sqrt(1 - beta2), about 3.2x for 0.9, 0.999)", _adam_no_correction),
        ("wrong decay: beta and 1 - beta are swapped; the new gradient gets weight "
         "(1 - beta1) in m and (1 - beta2) in v", _adam_swapped),
        ("hp['t'] never grows: add 1 to hp['t'] at the start of every step (it counts the "
         "steps taken), so the bias correction fades", _adam_late_t),
        ("v averages |g|, not g**2: the second moment is the mean of squared gradients",
         _adam_abs),
    ],
}


def _hint(name, ours, weights, grads, finite):
    for hint, wrong in _KNOWN[name]:
        theirs, _ = _run(name, wrong, weights, grads)
        if theirs is not None and _first_mismatch(name, ours, theirs) is None:
            return hint
    step, states = ours[0][0], ours[0][1]
    if all(not np.any(np.concatenate([np.ravel(x) for x in s]))
           for s in _pairs(name, states)):
        return ("the states are still zero after the first step: update them in place "
                "(v[:] = ..., not v = ...), since the caller keeps the same arrays")
    if np.allclose(step[0], weights[0]):
        return "the parameters did not move: update them in place (p[:] -= ..., not p = ...)"
    if not finite:
        return "the result is nan or inf: is something divided by zero (1 - beta**0, t = 0)?"
    return f"expected: {_SIGNATURES[name]}"


def _check_update(check, name, fn):
    weights, grads = optim.random_problem(shapes=((3, 4), (4,)), num_steps=6, seed=10)
    ours, problem = _run(name, fn, weights, grads)
    if problem == "not yet":
        print(f"{check}: not yet: the function still raises NotImplementedError; write its "
              f"body ({_SIGNATURES[name]})")
        return False
    if problem:
        return _verdict(check, problem)
    ref = optim.gluon_steps(name, weights, grads, _LR)
    miss = _first_mismatch(name, ours, ref)
    if miss is None:
        return _verdict(check, None)
    step, what, err = miss
    err_text = "nan or inf" if not np.isfinite(err) else f"max abs error {err:.3g}"
    hint = _hint(name, ours, weights, grads, np.isfinite(err))
    return _verdict(check, f"at step {step}, {what} differs from gluon.Trainer's "
                           f"({err_text}): {hint}")


def check_momentum(fn):
    """Check ``fn(params, states, hp)``, one step of SGD with momentum, against Gluon.

    params: NDArrays with ``.grad``; states: one velocity per parameter;
    hp: {'lr', 'momentum'}.  Six steps on random gradients must match
    ``gluon.Trainer(..., 'sgd', {'momentum': 0.9})`` within 1e-5; otherwise the
    first differing state or parameter is named.  Introduced in
    chapters/10_optimization.ipynb.
    """
    return _check_update("check_momentum", 'momentum', fn)


def check_adam(fn):
    """Check ``fn(params, states, hp)``, one Adam step, against Gluon's 'adam'.

    states: one (m, v) pair per parameter; hp: {'lr', 'beta1', 'beta2',
    'epsilon', 't'} with t the steps taken so far.  Six steps on random
    gradients must match ``gluon.Trainer`` within 1e-5.  Introduced in
    chapters/10_optimization.ipynb.
    """
    return _check_update("check_adam", 'adam', fn)


_INIT_CHOICES = {
    'a': "0.01 whatever the width: too small, the signal shrinks by a constant factor per layer",
    'b': None,
    'c': ("sqrt(1/n_in) keeps the variance for a linear or tanh layer, but ReLU zeroes half "
          "the inputs: the variance halves at each layer"),
    'd': "1/n_in is a variance, not a standard deviation: its square root is needed",
}


def check_init_std(answer):
    """Multiple choice: the weight std that keeps activations steady through ReLU layers.

    Options: (a) 0.01, (b) sqrt(2 / n_in), (c) sqrt(1 / n_in), (d) 1 / n_in.
    Introduced in chapters/10_optimization.ipynb.
    """
    if answer is None:
        print("check_init_std: not yet: set answer to 'a', 'b', 'c' or 'd'")
        return False
    key = str(answer).strip().lower().strip('()')
    if key not in _INIT_CHOICES:
        return _verdict("check_init_std", f"{answer!r} is not one of 'a', 'b', 'c', 'd'")
    return _verdict("check_init_std", _INIT_CHOICES[key])



# ---- exercise 4: batch normalization folded into the Dense layer before it ----------

_FOLD_SIGNATURE = ("fold_batch_norm(weight, bias, gamma, beta, running_mean, running_var, "
                   "eps) -> (weight, bias), numpy arrays; weight is (out, in) as in nn.Dense")


def _fold_problem(seed=11, n_in=5, n_out=4, eps=0.1):
    """A Dense layer, a BatchNorm with random running statistics, and inputs."""
    from mxnet import nd
    from mxnet.gluon import nn

    rng = np.random.default_rng(seed)
    dense, bn = nn.Dense(n_out, in_units=n_in), nn.BatchNorm(in_channels=n_out, epsilon=eps)
    dense.initialize()
    bn.initialize()
    arrays = {'weight': rng.normal(size=(n_out, n_in)), 'bias': rng.normal(size=n_out),
              'gamma': rng.uniform(0.5, 2, n_out), 'beta': rng.normal(size=n_out),
              'running_mean': rng.normal(size=n_out), 'running_var': rng.uniform(0.2, 3, n_out)}
    arrays = {k: v.astype('float32') for k, v in arrays.items()}
    for layer, names in ((dense, ('weight', 'bias')),
                         (bn, ('gamma', 'beta', 'running_mean', 'running_var'))):
        for name in names:
            getattr(layer, name).set_data(nd.array(arrays[name]))
    X = rng.normal(size=(7, n_in)).astype('float32')
    expected = bn(dense(nd.array(X))).asnumpy()  # outside autograd.record(): prediction mode
    return arrays, eps, X, expected


def check_fold_batch_norm(fn):
    """Check ``fn``, which folds a prediction-mode BatchNorm into the Dense layer before it.

    ``fn(weight, bias, gamma, beta, running_mean, running_var, eps)`` gets numpy
    arrays (``weight`` (out, in) as in ``nn.Dense``) and must return the
    ``(weight, bias)`` of one Dense layer whose output equals
    ``BatchNorm(Dense(x))`` in prediction mode, within 1e-4.  Introduced in
    chapters/10_optimization.ipynb.
    """
    check = "check_fold_batch_norm"
    arrays, eps, X, expected = _fold_problem()
    try:
        out = fn(*(arrays[k].copy() for k in ('weight', 'bias', 'gamma', 'beta',
                                              'running_mean', 'running_var')), eps)
    except NotImplementedError:
        print(f"{check}: not yet: the function still raises NotImplementedError; write its "
              f"body ({_FOLD_SIGNATURE})")
        return False
    except Exception as err:  # student code: any error is a verdict, never a traceback
        return _verdict(check, f"raised {_describe(err)}")
    try:
        W, b = (np.asarray(a, dtype='float64') for a in out)
    except (TypeError, ValueError):
        return _verdict(check, f"returned {type(out).__name__}, expected a pair (weight, bias)")
    n_out, n_in = arrays['weight'].shape
    if W.shape != (n_out, n_in) or b.shape != (n_out,):
        return _verdict(check, f"weight {W.shape} and bias {b.shape}: expected "
                               f"({n_out}, {n_in}) and ({n_out},), the Dense layer's shapes")
    got = X @ W.T + b
    err = float(np.abs(got - expected).max())
    if err <= 1e-4:
        return _verdict(check, None)
    scale = arrays['gamma'] / np.sqrt(arrays['running_var'] + eps)
    if np.allclose(W, arrays['weight'] * scale[:, None], atol=1e-4):
        hint = ("the weight is right; the bias must be gamma * (bias - running_mean) / "
                "sqrt(running_var + eps) + beta")
    elif np.allclose(W, arrays['weight'] * (arrays['gamma'] / np.sqrt(arrays['running_var'])
                                            )[:, None], atol=1e-4):
        hint = "eps is missing: divide by sqrt(running_var + eps), as BatchNorm does"
    elif np.allclose(W, arrays['weight'] * (arrays['gamma'] / (arrays['running_var'] + eps)
                                            )[:, None], atol=1e-4):
        hint = "running_var is a variance: divide by its square root, sqrt(running_var + eps)"
    else:
        hint = ("each output unit j is scaled by gamma_j / sqrt(running_var_j + eps): scale "
                "row j of the weight (shape (out, in)) and shift the bias to match")
    return _verdict(check, f"the folded layer's outputs differ from BatchNorm(Dense(x)) in "
                           f"prediction mode (max abs error {err:.3g}): {hint}")
