"""Penalties and dropout against their definitions and autograd; early stopping on
controlled validation curves and a real small run."""

import numpy as np
import pytest
from helpers import data, mlp
from mxnet import autograd, gluon, nd
from mxnet.gluon import loss as gloss

import d2l_utils as d2l
from d2l_utils.regularization import EarlyStopping, dropout, l1_penalty, l2_penalty
from d2l_utils.training import History, TrainState


def grad_of(f, w):
    w = w.copy()
    w.attach_grad()
    with autograd.record():
        out = f(w)
    out.backward()
    return out.asscalar(), w.grad.asnumpy()


def test_l2_penalty_is_half_the_squared_norm_and_its_gradient_is_w():
    w = nd.array([[1.0, -2.0], [3.0, 0.5]])
    value, grad = grad_of(l2_penalty, w)
    assert value == pytest.approx((1 + 4 + 9 + 0.25) / 2)
    np.testing.assert_allclose(grad, w.asnumpy())


def test_l1_penalty_is_the_absolute_sum_and_its_gradient_the_sign():
    w = nd.array([1.0, -2.0, 3.0, -0.5])
    value, grad = grad_of(l1_penalty, w)
    assert value == pytest.approx(6.5)
    np.testing.assert_array_equal(grad, np.sign(w.asnumpy()))


def test_dropout_is_the_identity_when_predicting_and_at_rate_zero():
    X = nd.random.normal(shape=(50, 40))
    assert dropout(X, 0.5) is X  # not training: deterministic prediction
    with autograd.record():
        assert (dropout(X, 0.0) == X).min().asscalar() == 1
        assert dropout(X, 1.0).abs().sum().asscalar() == 0


def test_dropout_keeps_the_expected_value_and_drops_the_right_share():
    d2l.set_seed(0)
    X = nd.ones((1000, 1000))
    with autograd.record():
        Y = dropout(X, 0.3).asnumpy()
    np.testing.assert_allclose(np.unique(Y), [0.0, 1 / 0.7], rtol=1e-6)
    assert (Y == 0).mean() == pytest.approx(0.3, abs=0.005)
    assert Y.mean() == pytest.approx(1.0, abs=0.01)


def test_dropout_differs_between_training_passes_and_backpropagates_through_the_mask():
    X = nd.random.normal(shape=(20, 30))
    X.attach_grad()
    with autograd.record():
        A = dropout(X, 0.5)
        B = dropout(X, 0.5)
        A.sum().backward()
    assert not (A == B).min().asscalar()
    np.testing.assert_allclose(X.grad.asnumpy(), (A.asnumpy() != 0) * 2.0)


@pytest.mark.parametrize("rate", [-0.1, 1.5, "0.5", True])
def test_dropout_rejects_a_bad_rate(rate):
    with pytest.raises(ValueError,
                       match=r"dropout: rate must be a finite number in \[0, 1\], got "):
        dropout(nd.ones(3), rate)


def run_curve(accs, patience):
    """Feed EarlyStopping a given validation curve; the 'weights' record the epoch."""
    w = nd.zeros(1)
    state = TrainState(None, [w], None, History(), num_epochs=len(accs))
    stopper = EarlyStopping(patience=patience)
    stopper.on_train_begin(state)
    for epoch, acc in enumerate(accs, 1):
        w[:] = epoch
        state.epoch = epoch
        state.history.valid_acc.append(acc)
        stopper.on_epoch_end(state)
        if state.stop:
            break
    stopper.on_train_end(state)
    return stopper, state, w.asscalar()


def test_early_stopping_stops_after_patience_epochs_without_improvement(capsys):
    stopper, state, w = run_curve([0.5, 0.7, 0.8, 0.79, 0.8, 0.78, 0.9], patience=3)
    assert (stopper.best_epoch, stopper.best_acc, stopper.stopped_epoch) == (3, 0.8, 6)
    assert state.stop.startswith("early stopping after epoch 6: validation accuracy has not "
                                 "improved for 3 epochs (best 0.800 at epoch 3)")
    assert capsys.readouterr().out.strip() == state.stop
    assert w == 3  # the best epoch's weights are back


def test_early_stopping_lets_an_improving_run_finish():
    stopper, state, w = run_curve([0.5, 0.6, 0.65, 0.7], patience=1)
    assert stopper.stopped_epoch is None and state.stop is None and w == 4


def test_early_stopping_in_train_ch3_restores_the_best_epochs_net():
    train_iter, valid_iter = data()
    net, trainer = mlp()
    stopper = EarlyStopping(patience=2)
    history = d2l.train_ch3(net, train_iter, None, gloss.SoftmaxCrossEntropyLoss(), 30, 32,
                            trainer=trainer, valid_iter=valid_iter, verbose=False,
                            callbacks=[stopper])
    assert stopper.best_acc == max(history.valid_acc)
    assert d2l.evaluate_accuracy(valid_iter, net) == pytest.approx(stopper.best_acc)
    if stopper.stopped_epoch is not None:
        assert len(history.valid_acc) == stopper.stopped_epoch < 30
        assert history.stopped.startswith("early stopping")


def test_early_stopping_needs_validation_data():
    train_iter, valid_iter = data()
    net, trainer = mlp()
    with pytest.raises(ValueError, match="EarlyStopping needs validation data"):
        d2l.train_ch3(net, train_iter, valid_iter, gloss.SoftmaxCrossEntropyLoss(), 1, 32,
                      trainer=trainer, verbose=False, callbacks=[EarlyStopping()])


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"patience": 0}, "patience must be an int >= 1"),
    ({"min_delta": -1}, "EarlyStopping: min_delta must be a finite number >= 0, got -1"),
])
def test_early_stopping_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        EarlyStopping(**kwargs)


def test_gluon_dropout_matches_the_from_scratch_rule():
    """nn.Dropout is the same inverted dropout: zero or x / (1 - rate), identity when predicting."""
    layer = gluon.nn.Dropout(0.25)
    X = nd.ones((200, 200))
    assert (layer(X) == X).min().asscalar() == 1
    with autograd.record():
        Y = layer(X).asnumpy()
    np.testing.assert_allclose(np.unique(Y), [0.0, 1 / 0.75], rtol=1e-6)
