"""train_ch3's extensions: argument guards, label checks on every batch, the nan stop,
validation data and callbacks (chapter 05 onwards), on small separable problems."""

import math

import pytest
from helpers import batches, cross_entropy, gluon_model, scratch_model, separable
from matplotlib import pyplot as plt
from mxnet import gluon, nd
from mxnet.gluon import loss as gloss

import d2l_utils as d2l


@pytest.fixture(autouse=True)
def no_figures_left():
    plt.close("all")
    yield
    plt.close("all")


@pytest.fixture
def splits():
    X, y = separable(n=600)
    return batches(X[:400], y[:400], 50), batches(X[400:500], y[400:500], 50), \
        batches(X[500:], y[500:], 50)


@pytest.mark.parametrize(("lr", "error", "message"), [
    ("0.1", ValueError, "lr must be a finite number > 0, got '0.1'"),
    (True, ValueError, "lr must be a finite number > 0, got True"),
    (-0.1, ValueError, r"lr must be a finite number > 0, got -0.1"),
    (0, ValueError, r"lr must be a finite number > 0, got 0"),
    (math.nan, ValueError, r"lr must be a finite number > 0, got nan"),
    (math.inf, ValueError, r"lr must be a finite number > 0, got inf"),
])
def test_a_bad_learning_rate_is_rejected_before_training(splits, lr, error, message, capsys):
    train, _, test = splits
    net, params = scratch_model()
    before = params[0].copy()
    with pytest.raises(error, match="train_ch3: " + message):
        d2l.train_ch3(net, train, test, cross_entropy, 1, 50, params, lr)
    assert (params[0] == before).min().asscalar() == 1
    assert capsys.readouterr().out == ""


def test_labels_out_of_range_in_a_later_batch_are_caught_at_the_epochs_end(splits):
    train, _, test = splits
    X, y = train[-1]
    bad = train[:-1] + [(X, nd.concat(y[:-1], nd.array([7], dtype="int32"), dim=0))]
    net, params = scratch_model()
    with pytest.raises(ValueError, match=r"labels y range over \[0, 7\] in epoch 1 but net\(X\) "
                                         r"has 4 outputs; labels must be in \[0, 3\]"):
        d2l.train_ch3(net, bad, test, cross_entropy, 2, 50, params, 0.1, verbose=False)


def test_negative_labels_are_caught_too(splits):
    train, _, test = splits
    X, y = train[3]
    bad = train[:3] + [(X, y - 1)] + train[4:]
    net, trainer = gluon_model()
    with pytest.raises(ValueError, match=r"range over \[-1, 3\] in epoch 1"):
        d2l.train_ch3(net, bad, test, gloss.SoftmaxCrossEntropyLoss(), 1, 50, trainer=trainer)


def test_a_diverging_run_stops_with_one_clear_line_and_returns_its_history(splits, capsys):
    train, _, test = splits
    net, params = scratch_model()  # a naive softmax: exp overflows at this learning rate
    history = d2l.train_ch3(net, train, test, cross_entropy, 10, 50, params, 1e4)
    out = capsys.readouterr().out.strip().splitlines()
    assert 1 <= len(history.train_loss) < 10
    assert not math.isfinite(history.train_loss[-1])
    assert all(math.isfinite(x) for x in history.train_loss[:-1])
    epoch = len(history.train_loss)
    assert out[-1] == history.stopped
    assert history.stopped.startswith(f"train_ch3: stopped after epoch {epoch}: the training "
                                      "loss is nan (not finite)")
    assert "learning rate too large" in history.stopped and "softmax" in history.stopped
    assert len(out) == epoch + 1  # one log line per epoch run, then the reason


def test_validation_data_is_evaluated_and_printed_before_test(splits, capsys):
    train, valid, test = splits
    net, params = scratch_model()
    history = d2l.train_ch3(net, train, test, cross_entropy, 3, 50, params, 0.5,
                            valid_iter=valid)
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(history.valid_acc) == len(history.test_acc) == 3
    assert history.valid_acc[-1] >= 0.9
    assert history.valid_acc[-1] == d2l.evaluate_accuracy(valid, net)
    assert lines[-1].endswith(f"valid acc {history.valid_acc[-1]:.3f}, "
                              f"test acc {history.test_acc[-1]:.3f}")
    assert history.stopped is None and history.lr == [0.5] * 3


def test_the_test_set_can_be_left_out_while_tuning(splits, capsys):
    train, valid, _ = splits
    net, trainer = gluon_model()
    history = d2l.train_ch3(net, train, None, gloss.SoftmaxCrossEntropyLoss(), 2, 50,
                            trainer=trainer, valid_iter=valid, plot=True)
    assert history.test_acc == [] and len(history.valid_acc) == 2
    assert "test acc" not in capsys.readouterr().out
    legend = [t.get_text() for ax in history.figure.axes for t in ax.get_legend().get_texts()]
    assert legend == ["train loss", "train acc", "valid acc"]


def test_verbose_false_prints_nothing(splits, capsys):
    train, valid, _ = splits
    net, params = scratch_model()
    d2l.train_ch3(net, train, None, cross_entropy, 2, 50, params, 0.5, valid_iter=valid,
                  verbose=False)
    assert capsys.readouterr().out == ""


class Recorder(d2l.Callback):
    def __init__(self, stop_at=None):
        self.calls, self.stop_at = [], stop_at

    def on_train_begin(self, state):
        self.calls.append(("begin", state.epoch, state.step))

    def on_epoch_begin(self, state):
        self.calls.append(("epoch begin", state.epoch, state.step))

    def on_batch_end(self, state):
        self.calls.append(("batch", state.epoch, state.step, state.batch_size))
        assert state.loss_sum.shape == (1,)

    def on_epoch_end(self, state):
        self.calls.append(("epoch", state.epoch, state.step, len(state.history.train_loss)))
        if state.epoch == self.stop_at:
            state.stop = "enough"

    def on_train_end(self, state):
        self.calls.append(("end", state.epoch, state.step))


def test_callbacks_are_called_at_each_hook_in_order(splits):
    train, _, test = splits
    net, params = scratch_model()
    rec = Recorder()
    d2l.train_ch3(net, train[:2], test, cross_entropy, 2, 50, params, 0.5, callbacks=[rec],
                  verbose=False)
    assert rec.calls == [("begin", 0, 0), ("epoch begin", 0, 0), ("batch", 0, 1, 50),
                         ("batch", 0, 2, 50), ("epoch", 1, 2, 1), ("epoch begin", 1, 2),
                         ("batch", 1, 3, 50), ("batch", 1, 4, 50), ("epoch", 2, 4, 2),
                         ("end", 2, 4)]


def test_a_callback_can_stop_training_and_the_reason_is_kept(splits):
    train, _, test = splits
    net, params = scratch_model()
    history = d2l.train_ch3(net, train, test, cross_entropy, 10, 50, params, 0.5,
                            callbacks=[Recorder(stop_at=3)], verbose=False)
    assert len(history.train_loss) == 3 and history.stopped == "enough"


def test_a_callback_can_resume_by_setting_the_epoch(splits, capsys):
    class Resume(d2l.Callback):
        def on_train_begin(self, state):
            state.epoch = 3

    train, _, test = splits
    net, params = scratch_model()
    history = d2l.train_ch3(net, train, test, cross_entropy, 5, 50, params, 0.5,
                            callbacks=[Resume()])
    assert len(history.train_loss) == 2
    assert capsys.readouterr().out.splitlines()[0].startswith("epoch 4, ")


def test_callbacks_must_be_callback_objects(splits):
    train, _, test = splits
    net, params = scratch_model()
    with pytest.raises(TypeError, match="callbacks must be d2l.Callback objects"):
        d2l.train_ch3(net, train, test, cross_entropy, 1, 50, params, 0.5,
                      callbacks=[lambda state: None])


def test_the_learning_rate_of_a_schedule_is_recorded_per_epoch(splits):
    train, _, _ = splits
    net, _ = gluon_model()
    steps_per_epoch = len(train)
    schedule = gluon.Trainer(net.collect_params(), "sgd", {
        "learning_rate": 0.4,
        "lr_scheduler": __import__("mxnet").lr_scheduler.FactorScheduler(
            step=steps_per_epoch, factor=0.5)})
    history = d2l.train_ch3(net, train, None, gloss.SoftmaxCrossEntropyLoss(), 3, 50,
                            trainer=schedule, verbose=False)
    assert history.lr == pytest.approx([0.4, 0.2, 0.1])


def test_a_train_state_built_outside_the_loop_knows_its_learning_rate():
    state = d2l.TrainState(None, [nd.zeros(1)], None, d2l.History(), 1, scratch_lr=0.3)
    assert state.lr == 0.3
