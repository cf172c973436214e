"""train_ch7 and train_gluon_ch7: the loss record every 100 examples, and clear errors."""

import pytest
from matplotlib import pyplot as plt
from mxnet import nd

import d2l_utils as d2l
from d2l_utils.optim_compare import LossEvery100, StepFn


def test_loss_every_100_records_where_the_books_rule_says(capsys):
    calls = []
    record = LossEvery100(lambda: len(calls), 30)  # batch 30: records after 10 and 20 batches
    for _ in range(2):
        record.on_epoch_begin(None)
        for _ in range(11):
            calls.append(1)
            record.on_batch_end(None)
    assert record.losses == [0, 10, 21]


def test_step_fn_calls_the_update_rule_and_reports_its_learning_rate():
    seen = []
    step = StepFn(lambda p, s, h: seen.append((p, s, h)), ["w"], "states", {'lr': 0.3})
    step.step(10)
    assert seen == [(["w"], "states", {'lr': 0.3})] and step.learning_rate == 0.3
    assert StepFn(None, [], None, {'rho': 0.9}).learning_rate is None


def test_train_ch7_rejects_bad_input_before_training():
    X, y = nd.zeros((20, 2)), nd.zeros(20)
    with pytest.raises(TypeError, match="trainer_fn must be an update rule"):
        d2l.train_ch7("sgd", None, {'lr': 0.1}, X, y)
    with pytest.raises(ValueError, match=r"labels must be an NDArray of shape \(20,\)"):
        d2l.train_gluon_ch7('sgd', {'learning_rate': 0.1}, X, nd.zeros((20, 1)))
    with pytest.raises(ValueError, match="features must be an"):
        d2l.train_ch7(lambda *a: None, None, {}, X.asnumpy(), y)


def test_a_diverging_rule_stops_with_a_reason(capsys):
    d2l.set_seed(0)
    X = nd.random.normal(shape=(200, 2))
    y = X[:, 0] * 3

    def explode(params, states, hyperparams):
        for p in params:
            p[:] -= hyperparams['lr'] * p.grad

    d2l.train_ch7(explode, None, {'lr': 1e6}, X, y, 10, 3)
    out = capsys.readouterr().out
    assert "stopped after epoch 1" in out and "not finite" in out
    plt.close("all")
