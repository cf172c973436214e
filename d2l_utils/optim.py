"""Optimizers from scratch, learning-rate schedules and a one-line Gluon trainer.

Introduced in chapters/10_optimization.ipynb.  Each ``*_update(params,
states, hp)`` is one step of an optimizer written with ``nd`` operations:
``params`` are NDArrays whose ``.grad`` holds the gradient to follow (the
mean over the minibatch), ``states`` is what ``init_states`` made for them,
``hp`` a dict of hyperparameters.  Each step equals the corresponding
``gluon.Trainer`` step (tests/test_optim.py checks this on random
gradients).  Weight decay is left out (Gluon's default ``wd=0``).

``make_schedule`` and ``make_trainer`` make the Gluon side one line, so a
chapter can pass an optimizer name and a schedule to ``d2l.train_ch3``.
"""

import math

import mxnet as mx
import numpy as np
from mxnet import autograd, gluon, nd

from .arguments import check_number
from .trainer_state import optimizer_states

# name -> (Gluon optimizer, default hyperparameters); the from-scratch updates use the same.
OPTIMIZERS = {
    'sgd': ('sgd', {}),
    'momentum': ('sgd', {'momentum': 0.9}),
    'rmsprop': ('rmsprop', {'gamma1': 0.9, 'epsilon': 1e-8}),
    'adam': ('adam', {'beta1': 0.9, 'beta2': 0.999, 'epsilon': 1e-8}),
}
SCHEDULES = ('constant', 'factor', 'multifactor', 'cosine')


def _check_name(name, where):
    if name not in OPTIMIZERS:
        raise ValueError(f"{where}: unknown optimizer {name!r}; choose one of "
                         f"{', '.join(map(repr, OPTIMIZERS))}")


def init_states(name, params):
    """Zero states for optimizer ``name`` ('sgd', 'momentum', 'rmsprop', 'adam').

    One entry per parameter: None (sgd), the velocity v (momentum), the mean
    square s (rmsprop), or the pair (m, v) of first and second moments (adam).
    Introduced in chapters/10_optimization.ipynb.
    """
    _check_name(name, "init_states")
    if name == 'sgd':
        return [None for _ in params]
    if name == 'adam':
        return [(nd.zeros_like(p), nd.zeros_like(p)) for p in params]
    return [nd.zeros_like(p) for p in params]


def default_hyperparams(name, lr):
    """The ``hp`` dict of the from-scratch update ``name``, with Gluon's defaults.

    Introduced in chapters/10_optimization.ipynb.
    """
    _check_name(name, "default_hyperparams")
    hp = {'lr': lr, **OPTIMIZERS[name][1]}
    if name == 'adam':
        hp['t'] = 0
    return hp


def sgd_update(params, states, hp):
    """Plain SGD: ``p <- p - lr * g``.  Introduced in chapters/10_optimization.ipynb."""
    for p in params:
        p[:] -= hp['lr'] * p.grad


def momentum_update(params, states, hp):
    """SGD with momentum, Gluon's form: ``v <- momentum * v - lr * g;  p <- p + v``.

    v, the velocity, is a decaying sum of past steps.  Introduced in
    chapters/10_optimization.ipynb.
    """
    for p, v in zip(params, states, strict=True):
        v[:] = hp['momentum'] * v - hp['lr'] * p.grad
        p[:] += v


def rmsprop_update(params, states, hp):
    """RMSProp: ``s <- gamma1 * s + (1 - gamma1) * g^2;  p <- p - lr * g / sqrt(s + epsilon)``.

    Each coordinate's step is divided by the root of its recent mean square
    gradient.  Introduced in chapters/10_optimization.ipynb.
    """
    gamma = hp['gamma1']
    for p, s in zip(params, states, strict=True):
        s[:] = gamma * s + (1 - gamma) * p.grad.square()
        p[:] -= hp['lr'] * p.grad / (s + hp['epsilon']).sqrt()


def adam_update(params, states, hp):
    """Adam: momentum (m) and RMSProp (v) together, with bias correction.

    ``t <- t + 1;  m <- beta1 m + (1 - beta1) g;  v <- beta2 v + (1 - beta2) g^2;
    p <- p - lr * m_hat / (sqrt(v_hat) + epsilon)`` with ``m_hat = m / (1 - beta1^t)``,
    ``v_hat = v / (1 - beta2^t)``.  Gluon folds both corrections into the
    learning rate, which moves epsilon by a factor sqrt(1 - beta2^t); the
    steps agree unless gradients are as small as epsilon.  ``hp['t']`` counts
    the steps taken (0 before the first).  Introduced in
    chapters/10_optimization.ipynb.
    """
    hp['t'] += 1
    b1, b2, t = hp['beta1'], hp['beta2'], hp['t']
    for p, (m, v) in zip(params, states, strict=True):
        m[:] = b1 * m + (1 - b1) * p.grad
        v[:] = b2 * v + (1 - b2) * p.grad.square()
        m_hat = m / (1 - b1 ** t)
        v_hat = v / (1 - b2 ** t)
        p[:] -= hp['lr'] * m_hat / (v_hat.sqrt() + hp['epsilon'])


UPDATES = {'sgd': sgd_update, 'momentum': momentum_update, 'rmsprop': rmsprop_update,
           'adam': adam_update}


def make_schedule(kind, lr, num_updates, *, warmup_steps=0, factor=0.1, steps=None,
                  final_lr=0.0):
    """An ``mx.lr_scheduler`` that starts (after warmup) at ``lr``; counts updates, not epochs.

    kind: 'constant', 'factor' (multiply by ``factor`` every ``steps`` updates,
    an int), 'multifactor' (multiply by ``factor`` after each update count in
    ``steps``, a list), 'cosine' (from ``lr`` down to ``final_lr`` at
    ``num_updates``).  ``warmup_steps``: grow linearly from 0 to ``lr`` first.
    Building the scheduler with ``base_lr=lr`` matters: a ``learning_rate``
    given to the Trainer overrides ``base_lr`` but not the cosine's start
    or the warmup's target.  Schedulers are stateful (factor schedules
    remember the last decay): make a new one per training run.  Introduced in
    chapters/10_optimization.ipynb.
    """
    if kind not in SCHEDULES:
        raise ValueError(f"make_schedule: unknown kind {kind!r}; choose one of "
                         f"{', '.join(map(repr, SCHEDULES))}")
    lr = check_number("make_schedule: lr", lr, float, above=0)
    num_updates = check_number("make_schedule: num_updates", num_updates, int, 1)
    warmup_steps = check_number("make_schedule: warmup_steps", warmup_steps, int, 0,
                                num_updates - 1)
    warm = {'base_lr': lr, 'warmup_steps': warmup_steps, 'warmup_begin_lr': 0.0}
    if kind == 'constant':
        return mx.lr_scheduler.FactorScheduler(step=num_updates + 1, factor=1.0, **warm)
    if kind == 'cosine':
        return mx.lr_scheduler.CosineScheduler(num_updates, final_lr=final_lr, **warm)
    check_number("make_schedule: factor", factor, float, high=1, above=0)
    if kind == 'factor':
        steps = check_number("make_schedule: steps (updates between decays, which 'factor' "
                             "needs)", steps, int, 1)
        return mx.lr_scheduler.FactorScheduler(step=steps, factor=factor, **warm)
    if (not isinstance(steps, list | tuple) or not steps
            or any(not isinstance(s, int) or s < 1 for s in steps)
            or any(b <= a for a, b in zip(steps, steps[1:], strict=False))):
        raise ValueError(f"make_schedule: 'multifactor' needs steps=an increasing list of "
                         f"update counts >= 1, got {steps!r}")
    return mx.lr_scheduler.MultiFactorScheduler(step=list(steps), factor=factor, **warm)


def schedule_values(make, num_updates):
    """The learning rate at updates 1..num_updates of a fresh scheduler ``make()``.

    Introduced in chapters/10_optimization.ipynb.
    """
    sched = make()
    return [sched(t) for t in range(1, num_updates + 1)]


def make_trainer(net, name, lr, schedule=None, **hyper):
    """A ``gluon.Trainer`` for ``net`` by name: 'sgd', 'momentum', 'rmsprop' or 'adam'.

    ``lr``: the learning rate (the schedule's start); ``schedule``: None or
    an ``mx.lr_scheduler`` whose learning rate starts at ``lr`` (see
    ``make_schedule``); ``hyper``: other Gluon hyperparameters (``momentum``,
    ``beta1``, ``wd``, ...) overriding ``OPTIMIZERS``' defaults.  ``net``: a
    Gluon block or its ``collect_params()``.  Introduced in
    chapters/10_optimization.ipynb.
    """
    _check_name(name, "make_trainer")
    check_number("make_trainer: lr", lr, float, above=0)
    gluon_name, defaults = OPTIMIZERS[name]
    options = {**defaults, **hyper, 'learning_rate': lr}
    if schedule is not None:
        if not isinstance(schedule, mx.lr_scheduler.LRScheduler):
            raise TypeError(f"make_trainer: schedule must be an mx.lr_scheduler.LRScheduler "
                            f"(see d2l.make_schedule), got {type(schedule).__name__}")
        start = schedule.warmup_final_lr
        if not math.isclose(start, lr, rel_tol=1e-9):
            raise ValueError(f"make_trainer: the schedule starts at {start!r} but lr is "
                             f"{lr!r}; build it with the same lr (d2l.make_schedule(kind, "
                             "lr, ...)), since Gluon would override only part of it")
        if schedule.base_lr != start:
            raise ValueError("make_trainer: this schedule has been used already (its "
                             "learning rate has moved); make a new one for each trainer")
        options['lr_scheduler'] = schedule
    params = net.collect_params() if hasattr(net, 'collect_params') else net
    return gluon.Trainer(params, gluon_name, options)


def gluon_steps(name, weights, grads, lr, **hyper):
    """Run ``gluon.Trainer`` (optimizer ``name``) over given gradients; the reference.

    weights: numpy arrays, the starting parameters; grads: one list of numpy
    arrays (one per parameter) per step.  Returns one ``(params, states)``
    per step, as numpy, with states in ``init_states``' layout.  Introduced in
    chapters/10_optimization.ipynb.
    """
    params = []
    for i, w in enumerate(weights):
        p = gluon.Parameter(f'p{i}', shape=w.shape)
        p.initialize(mx.init.Zero())
        p.set_data(nd.array(w))
        params.append(p)
    trainer = make_trainer(params, name, lr, **hyper)
    out = []
    for step_grads in grads:
        with autograd.record():  # d/dw sum(w * g) = g: Gluon sees a fresh gradient g
            total = sum((p.data() * nd.array(g)).sum()
                        for p, g in zip(params, step_grads, strict=True))
        total.backward()
        trainer.step(1)
        states, _ = optimizer_states(trainer)  # {index in params: state}
        out.append(([p.data().asnumpy() for p in params],
                    [_state_numpy(name, states[i]) for i in range(len(params))]))
    return out


def _state_numpy(name, state):
    if name == 'sgd':
        return None
    if name == 'adam':
        return tuple(s.asnumpy() for s in state)
    return (state[0] if isinstance(state, tuple | list) else state).asnumpy()


def scratch_steps(update, name, weights, grads, lr, **hyper):
    """Like ``gluon_steps`` for a from-scratch ``update(params, states, hp)``.

    Introduced in chapters/10_optimization.ipynb.
    """
    params = [nd.array(w) for w in weights]
    for p in params:
        p.attach_grad()
    states = init_states(name, params)
    hp = {**default_hyperparams(name, lr), **hyper}
    out = []
    for step_grads in grads:
        for p, g in zip(params, step_grads, strict=True):
            p.grad[:] = nd.array(g)
        update(params, states, hp)
        out.append(([p.asnumpy() for p in params],
                    [_state_numpy(name, s) if s is not None else None for s in states]))
    return out


def random_problem(shapes=((4, 3), (3,)), num_steps=10, seed=0, scale=1.0):
    """Random starting weights and ``num_steps`` steps of random gradients (numpy float32).

    Introduced in chapters/10_optimization.ipynb.
    """
    rng = np.random.default_rng(seed)
    weights = [rng.normal(size=s).astype('float32') for s in shapes]
    grads = [[(scale * rng.normal(size=s)).astype('float32') for s in shapes]
             for _ in range(num_steps)]
    return weights, grads


def max_difference_to_gluon(name, lr, update=None, num_steps=10, seed=0, **hyper):
    """Largest |difference| between ``update`` (default: ours) and Gluon, params and states.

    Introduced in chapters/10_optimization.ipynb.
    """
    weights, grads = random_problem(num_steps=num_steps, seed=seed)
    ours = scratch_steps(update or UPDATES[name], name, weights, grads, lr, **hyper)
    ref = gluon_steps(name, weights, grads, lr, **hyper)
    worst = 0.0
    for (p1, s1), (p2, s2) in zip(ours, ref, strict=True):
        arrays = list(zip(p1, p2, strict=True))
        for a, b in zip(s1, s2, strict=True):
            if a is not None:
                arrays += list(zip(a, b, strict=True)) if name == 'adam' else [(a, b)]
        worst = max([worst] + [float(np.abs(a - b).max()) for a, b in arrays])
    return worst
