"""Chapter 05's tuning helpers: sweeps over train_ch3, printable tables, clear winners,
per-batch losses and re-batched views, on small separable problems."""

import math

import numpy as np
import pandas as pd
import pytest
from helpers import batches, cross_entropy, scratch_model, separable
from mxnet import autograd, nd

import d2l_utils as d2l
from d2l_utils.data.loader import DataIter
from d2l_utils.tuning import BatchLosses, best_within, results_table, sweep, with_batch_size


@pytest.fixture
def splits():
    X, y = separable(n=600)
    return batches(X[:400], y[:400], 50), batches(X[400:], y[400:], 50)


def make_run(splits, callbacks=()):
    train, valid = splits

    def run(lr, epochs=2):
        net, params = scratch_model()
        return d2l.train_ch3(net, train, None, cross_entropy, epochs, 50, params, lr,
                             valid_iter=valid, verbose=False, plot=False, callbacks=callbacks)
    return run


def test_sweep_has_one_row_per_config_with_the_last_epochs_metrics(splits):
    results = sweep([{"lr": 0.01, "epochs": 1}, {"lr": 0.5, "epochs": 3}], make_run(splits))
    assert list(results.columns) == ["lr", "epochs", "train_loss", "train_acc", "valid_acc",
                                     "test_acc", "seconds", "diverged", "history"]
    assert results["lr"].tolist() == [0.01, 0.5]
    for _, row in results.iterrows():
        h = row["history"]
        assert isinstance(h, d2l.History) and row["epochs"] == len(h.train_loss)
        assert row["valid_acc"] == h.valid_acc[-1] and row["train_loss"] == h.train_loss[-1]
        assert row["seconds"] == pytest.approx(sum(h.seconds))
        assert math.isnan(row["test_acc"]) and not row["diverged"]
    assert results["epochs"].tolist() == [1, 3]
    # a sensible rate learns the problem, a tiny one hardly moves in one epoch
    assert results["valid_acc"][1] > 0.9 > results["valid_acc"][0]


def test_sweep_marks_a_diverged_run(splits, capsys):
    results = sweep([{"lr": 0.5}, {"lr": 1e4}], make_run(splits))
    assert results["diverged"].tolist() == [False, True]
    assert not math.isfinite(results["train_loss"][1])
    assert "train_ch3: stopped after epoch 1" in capsys.readouterr().out


@pytest.mark.parametrize(("configs", "error", "message"), [
    ([], ValueError, "configs must be a non-empty list of dicts"),
    ({"lr": 0.1}, ValueError, "configs must be a non-empty list of dicts"),
    ([{"lr": 0.1}, 0.3], TypeError, r"configs\[1\] must be a dict"),
    ([{"lr": 0.1}, {"lr": 0.3, "epochs": 2}], ValueError,
     r"configs\[1\] has keys \['epochs', 'lr'\] but configs\[0\] has \['lr'\]"),
])
def test_sweep_rejects_bad_configs_before_training(configs, error, message):
    calls = []
    with pytest.raises(error, match="sweep: " + message):
        sweep(configs, lambda **kw: calls.append(kw))
    assert calls == []


def test_sweep_needs_make_run_to_return_a_history():
    with pytest.raises(TypeError, match=r"make_run\(\*\*configs\[0\]\) returned float"):
        sweep([{"lr": 0.1}], lambda lr: 0.9)
    with pytest.raises(TypeError, match="make_run must be a function"):
        sweep([{"lr": 0.1}], None)


def test_results_table_rounds_and_drops_what_varies_between_machines(splits):
    results = sweep([{"lr": 0.5}, {"lr": 0.05}], make_run(splits))
    table = results_table(results)
    assert list(table.columns) == ["lr", "train_loss", "train_acc", "valid_acc", "epochs",
                                   "diverged"]
    for col in ("train_loss", "train_acc", "valid_acc"):
        assert (table[col] == results[col].round(2)).all()
    assert "history" in results  # the input is left alone
    assert (results_table(results, digits=3)["valid_acc"] == results["valid_acc"].round(3)).all()


def test_results_table_prints_no_negative_zero():
    frame = pd.DataFrame({"lr": [1.0], "train_loss": [-0.001], "valid_acc": [0.5]})
    assert "-0.0" not in results_table(frame).to_string()


@pytest.mark.parametrize("digits", [-1, 1.5, True])
def test_results_table_rejects_bad_digits(digits):
    with pytest.raises(ValueError, match="results_table: digits must be an int >= 0"):
        results_table(pd.DataFrame({"valid_acc": [0.5]}), digits)
    with pytest.raises(TypeError, match="results_table: results must be sweep's DataFrame"):
        results_table([0.5])


def test_best_within_lists_every_label_the_margin_cannot_separate():
    scores = {0.1: 0.80, 0.3: 0.84, 1.0: 0.835, 3.0: math.nan, 0.03: 0.70}
    assert best_within(scores, 0.01) == [0.3, 1.0]
    assert best_within(scores, 0.001) == [0.3]  # a clear winner
    assert best_within(pd.Series(scores), 0.2) == [0.3, 1.0, 0.1, 0.03]
    assert best_within({"a": 0.5}, 0) == ["a"]


@pytest.mark.parametrize(("scores", "margin", "message"), [
    ({"a": 0.5}, -0.1, "margin must be a number >= 0"),
    ({"a": 0.5}, math.nan, "margin must be a number >= 0"),
    ({"a": math.nan}, 0.1, "scores has no \\(non-nan\\) values"),
    ({}, 0.1, "scores has no \\(non-nan\\) values"),
])
def test_best_within_rejects_bad_input(scores, margin, message):
    with pytest.raises(ValueError, match="best_within: " + message):
        best_within(scores, margin)


def test_batch_losses_records_each_updates_mean_loss(splits):
    train, _ = splits
    recorder = BatchLosses()
    net, params = scratch_model()
    W0, b0 = (p.copy() for p in params)
    history = make_run(splits, callbacks=[recorder])(lr=0.5, epochs=2)
    assert recorder.losses.shape == (2 * len(train),)
    # the first batch's loss is computed before any update: recompute it by hand
    X, y = train[0]
    first = cross_entropy(nd.softmax(nd.dot(X, W0) + b0), y).mean().asscalar()
    assert recorder.losses[0] == pytest.approx(first, rel=1e-5)
    # the epoch's mean loss in History is the mean of its batches (all of size 50)
    assert recorder.losses[:len(train)].mean() == pytest.approx(history.train_loss[0], rel=1e-5)


def test_batch_losses_keeps_the_nan_of_a_diverged_run(splits, capsys):
    recorder = BatchLosses()
    history = make_run(splits, callbacks=[recorder])(lr=1e4, epochs=5)
    assert history.stopped is not None
    assert len(recorder.losses) == len(history.train_loss) * len(splits[0])
    assert not np.isfinite(recorder.losses).all()


def test_with_batch_size_is_a_view_with_the_same_examples():
    images = nd.array(np.arange(20 * 4, dtype=np.float32).reshape(20, 1, 2, 2))
    labels = np.arange(20) % 10
    data = DataIter(images, labels, batch_size=8, shuffle=True, seed=0)
    small = with_batch_size(data, 3)
    assert small.images is data.images and len(small) == 7
    X = nd.concat(*[X for X, _ in small], dim=0).asnumpy()
    assert sorted(X[:, 0, 0, 0].tolist()) == sorted(images.asnumpy()[:, 0, 0, 0].tolist())
    assert data.batch_size == 8 and len(data) == 3
    with pytest.raises(TypeError, match="with_batch_size: data_iter must be a d2l DataIter"):
        with_batch_size([(X, labels)], 3)
    with pytest.raises(ValueError, match="batch_size must be a positive int"):
        with_batch_size(data, 0)


def test_batch_losses_needs_no_gradient_of_its_own(splits):
    # recording must not add to the autograd graph: gradients equal a run without it
    train, _ = splits
    grads = []
    for callbacks in ([], [BatchLosses()]):
        net, params = scratch_model()
        d2l.train_ch3(net, train[:1], None, cross_entropy, 1, 50, params, 0.1,
                      verbose=False, plot=False, callbacks=callbacks)
        grads.append(params[0].grad.asnumpy())
    assert np.array_equal(grads[0], grads[1])
    assert not autograd.is_recording()
