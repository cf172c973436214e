"""From-scratch optimizers step like gluon.Trainer; schedules and make_trainer do what they say."""

import math

import mxnet as mx
import numpy as np
import pytest
from mxnet import gluon, init, nd
from mxnet.gluon import nn

from d2l_utils import optim

TOL = 1e-5  # float32 weights of size ~1 after 20 steps


@pytest.mark.parametrize("name, lr, hyper", [
    ("sgd", 0.1, {}),
    ("momentum", 0.1, {}),
    ("momentum", 0.05, {"momentum": 0.5}),
    ("rmsprop", 0.01, {}),
    ("rmsprop", 0.01, {"gamma1": 0.5}),
    ("adam", 0.01, {}),
    ("adam", 0.05, {"beta1": 0.5, "beta2": 0.9}),
])
def test_each_update_matches_gluon_trainer_step_for_step(name, lr, hyper):
    assert optim.max_difference_to_gluon(name, lr, num_steps=20, seed=1, **hyper) < TOL


def test_the_comparison_detects_a_different_update():
    # momentum's steps are not plain SGD's: the cross-check must see it
    weights, grads = optim.random_problem(num_steps=5)
    sgd_like = optim.scratch_steps(optim.sgd_update, "momentum", weights, grads, 0.1)
    ref = optim.gluon_steps("momentum", weights, grads, 0.1)
    assert np.abs(sgd_like[-1][0][0] - ref[-1][0][0]).max() > 0.01
    assert optim.max_difference_to_gluon("rmsprop", 0.01, update=_adagrad) > 1e-4


def _adagrad(params, states, hp):
    for p, s in zip(params, states, strict=True):
        s[:] = s + p.grad.square()  # AdaGrad's sum instead of a decaying mean
        p[:] -= hp['lr'] * p.grad / (s + hp['epsilon']).sqrt()


def test_gluon_steps_returns_states_in_init_states_layout():
    weights, grads = optim.random_problem(num_steps=2)
    for name in optim.OPTIMIZERS:
        ref = optim.gluon_steps(name, weights, grads, 0.1)
        scratch_states = optim.init_states(name, [nd.array(w) for w in weights])
        params, states = ref[-1]
        assert [p.shape for p in params] == [w.shape for w in weights]
        assert len(states) == len(scratch_states)
        if name == "adam":
            assert all(len(s) == 2 for s in states)


def test_adam_bias_correction_makes_the_first_step_lr_sized():
    p = nd.array([1.0, -2.0])
    p.attach_grad()
    p.grad[:] = nd.array([1e-3, -5.0])  # any gradient: the first step is ~lr * sign(g)
    states = optim.init_states("adam", [p])
    hp = optim.default_hyperparams("adam", 0.1)
    optim.adam_update([p], states, hp)
    assert hp["t"] == 1
    np.testing.assert_allclose(p.asnumpy(), [0.9, -1.9], atol=1e-5)


def test_unknown_optimizer_names_are_listed():
    with pytest.raises(ValueError, match="unknown optimizer 'adamw'.*'adam'"):
        optim.init_states("adamw", [])
    net = nn.Dense(2)
    net.initialize()
    with pytest.raises(ValueError, match="make_trainer: unknown optimizer"):
        optim.make_trainer(net, "Adam", 0.1)


def _lrs(kind, lr=1.0, n=10, **kw):
    return optim.schedule_values(lambda: optim.make_schedule(kind, lr, n, **kw), n)


def test_schedules_follow_their_formulas():
    assert _lrs("constant", 0.5) == [0.5] * 10
    # factor: multiply by 0.5 after every 4 updates (MXNet decays once num_update > step)
    assert _lrs("factor", steps=4, factor=0.5) == [1] * 4 + [0.5] * 4 + [0.25] * 2
    assert _lrs("multifactor", steps=[3, 7], factor=0.1) == pytest.approx(
        [1] * 3 + [0.1] * 4 + [0.01] * 3)
    cosine = _lrs("cosine", 2.0, n=10, final_lr=0.0)
    expected = [(1 + math.cos(math.pi * t / 10)) for t in range(1, 11)]
    assert cosine == pytest.approx(expected)
    warm = _lrs("cosine", 1.0, n=10, warmup_steps=4)
    assert warm[:3] == pytest.approx([0.25, 0.5, 0.75])
    assert warm[3] == pytest.approx(1.0) and warm[-1] == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("kwargs, message", [
    (dict(kind="linear", lr=0.1, num_updates=10), "unknown kind 'linear'"),
    (dict(kind="cosine", lr=0, num_updates=10), "lr must be a finite number > 0"),
    (dict(kind="cosine", lr=0.1, num_updates=0), "num_updates must be an int >= 1"),
    (dict(kind="cosine", lr=0.1, num_updates=10, warmup_steps=10),
     r"warmup_steps must be an int in \[0, 9\], got 10"),
    (dict(kind="factor", lr=0.1, num_updates=10), "steps .*which 'factor' needs.* got None"),
    (dict(kind="multifactor", lr=0.1, num_updates=10, steps=[5, 3]), "increasing list"),
    (dict(kind="factor", lr=0.1, num_updates=10, steps=3, factor=2),
     "factor must be a finite number > 0 and <= 1, got 2"),
])
def test_make_schedule_rejects_bad_arguments_by_name(kwargs, message):
    with pytest.raises(ValueError, match=message):
        optim.make_schedule(**kwargs)


def _net():
    net = nn.Dense(3)
    net.initialize(init.Normal(0.1))
    net(nd.ones((2, 4)))
    return net


def test_make_trainer_uses_gluon_with_the_named_defaults_and_the_schedule():
    trainer = optim.make_trainer(_net(), "momentum", 0.2)
    assert isinstance(trainer, gluon.Trainer)
    assert trainer.optimizer.momentum == 0.9 and trainer.learning_rate == 0.2
    trainer = optim.make_trainer(_net(), "adam", 0.01, beta1=0.8)
    assert trainer.optimizer.beta1 == 0.8
    sched = optim.make_schedule("cosine", 0.3, 100, warmup_steps=10)
    trainer = optim.make_trainer(_net(), "sgd", 0.3, schedule=sched)
    assert trainer.learning_rate == 0.0  # before the first update: the warmup's start


def test_make_trainer_refuses_a_schedule_that_would_be_half_overridden():
    sched = optim.make_schedule("cosine", 0.3, 100)
    with pytest.raises(ValueError, match="schedule starts at 0.3 but lr is 0.1"):
        optim.make_trainer(_net(), "sgd", 0.1, schedule=sched)
    with pytest.raises(TypeError, match="mx.lr_scheduler.LRScheduler"):
        optim.make_trainer(_net(), "sgd", 0.1, schedule="cosine")
    used = optim.make_schedule("factor", 0.3, 100, steps=2, factor=0.5)
    used(10)
    with pytest.raises(ValueError, match="used already"):
        optim.make_trainer(_net(), "sgd", 0.3, schedule=used)


def test_train_ch3_records_the_scheduled_learning_rate_per_epoch():
    from d2l_utils import train_ch3

    rng = np.random.default_rng(0)
    X = nd.array(rng.normal(size=(40, 4)))
    y = nd.array(rng.integers(0, 3, size=40))
    batches = [(X[i:i + 10], y[i:i + 10]) for i in range(0, 40, 10)]  # 4 updates an epoch
    net = _net()
    sched = optim.make_schedule("multifactor", 0.4, 12, steps=[4, 8], factor=0.5)
    trainer = optim.make_trainer(net, "sgd", 0.4, schedule=sched)
    history = train_ch3(net, batches, None, gluon.loss.SoftmaxCrossEntropyLoss(), 3, 10,
                        trainer=trainer, verbose=False, plot=False)
    assert history.lr == pytest.approx([0.4, 0.2, 0.1])
    assert isinstance(sched, mx.lr_scheduler.MultiFactorScheduler)
