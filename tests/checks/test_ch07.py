"""Chapter 07's self-checks accept correct answers, say "not yet" to stubs and name mistakes."""

import math

import numpy as np
import pytest
from mxnet import init, nd
from mxnet.gluon import nn
from verdicts import run, stub

from d2l_utils.checks import ch07 as checks

# ---- Dense forward -----------------------------------------------------------------------


def dense_forward(X, weight, bias):
    return nd.dot(X.reshape((X.shape[0], -1)), weight.T) + bias


def dense_forward_fc(X, weight, bias):
    return nd.FullyConnected(X, weight, bias, num_hidden=weight.shape[0])


@pytest.mark.parametrize("fn", [dense_forward, dense_forward_fc])
def test_check_dense_forward_accepts_correct_versions(capsys, fn):
    assert run(capsys, checks.check_dense_forward, fn) == (True, "check_dense_forward: correct")


@pytest.mark.parametrize("fn, message", [
    (stub, "check_dense_forward: not yet: fill in dense_forward"),
    (lambda X, W, b: nd.dot(X, W) + b, "Gluon stores weight as (units, in_units)"),
    (lambda X, W, b: nd.dot(X.reshape((X.shape[0], -1)), W.T),
     "max abs error"),
    (lambda X, W, b: nd.relu(dense_forward(X, W, b)), "max abs error"),
    (lambda X, W, b: dense_forward(X, W, b).T, "wrong shape (3, 5)"),
])
def test_check_dense_forward_names_the_mistake(capsys, fn, message):
    ok, line = run(capsys, checks.check_dense_forward, fn)
    assert not ok and line.startswith("check_dense_forward: ")
    assert message in line


def test_check_dense_forward_spots_a_missing_transpose_on_square_weights(capsys):
    def untransposed(X, W, b):  # right for no case but silently runs when W is square
        flat = X.reshape((X.shape[0], -1))
        return nd.dot(flat, W) + b if W.shape[0] == W.shape[1] else dense_forward(X, W, b)

    ok, line = run(capsys, checks.check_dense_forward, untransposed)
    assert not ok and "this is X weight + b" in line


# ---- the source material's network ----------------------------------------------------------


def source_net(hidden_act="relu", last_act=None, sizes=(300, 100)):
    net = nn.HybridSequential()
    net.add(nn.Dense(sizes[0], activation=hidden_act), nn.Dense(sizes[1], activation=hidden_act),
            nn.Dense(10, activation=last_act))
    net.initialize(init.Normal(0.01))
    return net


def test_check_source_net_accepts_the_network(capsys):
    assert run(capsys, checks.check_source_net, source_net()) == (True,
                                                                 "check_source_net: correct")
    net = source_net()
    net.hybridize()
    assert checks.check_source_net(net)
    separate = nn.HybridSequential()  # activations as their own layers
    separate.add(nn.Dense(300), nn.Activation("relu"), nn.Dense(100), nn.Activation("relu"),
                 nn.Dense(10))
    separate.initialize()
    assert checks.check_source_net(separate)


def test_check_source_net_names_the_mistake(capsys):
    uninitialised = nn.HybridSequential()
    uninitialised.add(nn.Dense(10))
    cases = [
        (None, "check_source_net: not yet: build net"),
        ("net", "net must be a Gluon block, got str"),
        (uninitialised, "call net.initialize() first"),
        (source_net(sizes=(100, 300)), "Dense weight shapes are [(100, 784), (300, 100), "
                                       "(10, 300)], expected [(300, 784), (100, 300), (10, 100)]"),
        (source_net(hidden_act="sigmoid"), "activations are ['sigmoid', 'sigmoid']"),
        (source_net(last_act="relu"), "the last Dense layer has activation 'relu'"),
    ]
    for net, message in cases:
        ok, line = run(capsys, checks.check_source_net, net)
        assert not ok and message in line, line
    one_layer = nn.Dense(7)
    one_layer.initialize()
    ok, line = run(capsys, checks.check_source_net, one_layer)
    assert not ok and "must return (batch, 10) logits, got (2, 7)" in line


def test_check_capacity(capsys):
    assert run(capsys, checks.check_capacity, "b") == (True, "check_capacity: correct")
    for answer, message in [(None, "check_capacity: not yet"), ("a", "underfitting"),
                            ("z", "is not one of the choices")]:
        ok, line = run(capsys, checks.check_capacity, answer)
        assert not ok and message in line


def test_checks_leave_the_global_seed_alone():
    np.random.seed(7)
    expected = np.random.rand(3)
    np.random.seed(7)
    checks.check_dense_forward(dense_forward)
    checks.check_source_net(source_net())
    assert np.array_equal(np.random.rand(3), expected)


# ---- best epoch and the cosine schedule ----------------------------------------------------


def best_epoch(valid_acc):
    return int(np.argmax(valid_acc)) + 1


def cosine_lr(step, max_update, base_lr, final_lr):
    return final_lr + (base_lr - final_lr) * (1 + math.cos(math.pi * step / max_update)) / 2


def test_check_best_epoch(capsys):
    assert run(capsys, checks.check_best_epoch, best_epoch) == (True, "check_best_epoch: correct")
    for fn, message in [(stub, "check_best_epoch: not yet: fill in best_epoch"),
                        (lambda a: int(np.argmax(a)), "epochs count from 1"),
                        (lambda a: len(a) - int(np.argmax(a[::-1])), "take the first"),
                        (lambda a: float(np.argmax(a) + 1), "return an int"),
                        (lambda a: max(a), "return an int")]:
        ok, line = run(capsys, checks.check_best_epoch, fn)
        assert not ok and message in line, line


def test_check_cosine_lr(capsys):
    assert run(capsys, checks.check_cosine_lr, cosine_lr) == (True, "check_cosine_lr: correct")
    for fn, message in [
            (stub, "check_cosine_lr: not yet: fill in cosine_lr"),
            (lambda s, m, b, f: b * (1 + math.cos(math.pi * s / m)) / 2, "CosineScheduler gives"),
            (lambda s, m, b, f: f + (b - f) * math.cos(math.pi * s / m), "CosineScheduler gives"),
            (lambda s, m, b, f: "0.1", "return a number")]:
        ok, line = run(capsys, checks.check_cosine_lr, fn)
        assert not ok and message in line, line


def test_capacity_hint_d_says_how_the_curves_differ(capsys):
    ok, line = run(capsys, checks.check_capacity, "d")
    assert not ok and "running average" in line and "same way" not in line
