"""TensorBoard logs hold the run's real numbers (read back with TensorBoard's own reader);
the progress bar shows each epoch's loss and accuracies."""

import io

import pytest
from helpers import data, mlp
from mxnet import nd
from mxnet.gluon import loss as gloss

import d2l_utils as d2l
from d2l_utils.monitoring import ProgressBar, TensorBoardLogger


def read_events(logdir):
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
    acc = EventAccumulator(str(logdir), size_guidance={"histograms": 0, "scalars": 0})
    acc.Reload()
    return acc


def test_scalars_and_histograms_are_the_runs_own(tmp_path):
    train_iter, valid_iter = data()
    net, trainer = mlp()
    history = d2l.train_ch3(net, train_iter, None, gloss.SoftmaxCrossEntropyLoss(), 3, 32,
                            trainer=trainer, valid_iter=valid_iter, verbose=False,
                            callbacks=[TensorBoardLogger(tmp_path, histogram_every=2)])
    events = read_events(tmp_path)
    tags = events.Tags()
    assert set(tags["scalars"]) == {"loss/train", "accuracy/train", "accuracy/valid",
                                    "learning_rate"}
    for tag, values in (("loss/train", history.train_loss), ("accuracy/valid",
                                                             history.valid_acc)):
        logged = events.Scalars(tag)
        assert [e.step for e in logged] == [1, 2, 3]
        assert [e.value for e in logged] == pytest.approx(values, rel=1e-6)
    names = {f"{kind}/{n}" for kind in ("weights", "gradients")
             for n in ("0.weight", "0.bias", "2.weight", "2.bias")}
    assert set(tags["histograms"]) == names
    weight = events.Histograms("weights/0.weight")
    assert [e.step for e in weight] == [2]  # every second epoch
    assert weight[0].histogram_value.num == 8 * 16


def test_a_from_scratch_model_logs_its_params_list(tmp_path):
    train_iter, valid_iter = data()
    W, b = nd.random.normal(scale=0.1, shape=(16, 3)), nd.zeros(3)
    W.attach_grad()
    b.attach_grad()
    d2l.train_ch3(lambda X: nd.dot(X.reshape((-1, 16)), W) + b, train_iter, valid_iter,
                  gloss.SoftmaxCrossEntropyLoss(), 1, 32, [W, b], 0.1, verbose=False,
                  callbacks=[TensorBoardLogger(tmp_path)])
    tags = read_events(tmp_path).Tags()
    assert "accuracy/test" in tags["scalars"]
    assert {"weights/params.0", "gradients/params.1"} <= set(tags["histograms"])


def test_the_progress_bar_ends_each_epoch_with_its_numbers():
    train_iter, valid_iter = data()
    net, trainer = mlp()
    out = io.StringIO()
    history = d2l.train_ch3(net, train_iter, None, gloss.SoftmaxCrossEntropyLoss(), 2, 32,
                            trainer=trainer, valid_iter=valid_iter, verbose=False,
                            callbacks=[ProgressBar(len(train_iter), refresh=3, file=out)])
    text = out.getvalue()
    assert "epoch 1/2" in text and "epoch 2/2" in text
    assert f"{len(train_iter)}/{len(train_iter)}" in text
    assert f"loss={history.train_loss[-1]:.4f}" in text
    assert f"valid acc={history.valid_acc[-1]:.3f}" in text


@pytest.mark.parametrize(("make", "message"), [
    (lambda: TensorBoardLogger("x", histogram_every=0), "histogram_every must be an int >= 1"),
    (lambda: ProgressBar(0), "steps_per_epoch must be an int >= 1"),
])
def test_bad_arguments_are_named(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_each_epoch_is_on_disk_when_the_logger_is_done_with_it(tmp_path):
    """tensorboardX's flush() returns before its thread writes; a kill then lost the epoch."""
    seen = []

    class ReadBack(d2l.Callback):  # runs right after the logger, as a kill could
        def on_epoch_end(self, state):
            tags = read_events(tmp_path).Tags()
            seen.append({tag: [e.step for e in read_events(tmp_path).Histograms(tag)]
                         for tag in tags["histograms"]})

    train_iter, valid_iter = data()
    net, trainer = mlp()
    d2l.train_ch3(net, train_iter, None, gloss.SoftmaxCrossEntropyLoss(), 2, 32,
                  trainer=trainer, valid_iter=valid_iter, verbose=False,
                  callbacks=[TensorBoardLogger(tmp_path), ReadBack()])
    assert len(seen[1]) == 8 and all(steps == [1, 2] for steps in seen[1].values()), seen


def test_a_resumed_run_logs_every_epoch_once_with_the_uninterrupted_values(tmp_path):
    """Epoch 3 was logged, then the run died; the last checkpoint (every 2) is epoch 2."""
    def run(name, num_epochs):
        d2l.set_seed(7)
        train_iter, valid_iter = data()
        net, trainer = mlp()
        d2l.train_ch3(net, train_iter, None, gloss.SoftmaxCrossEntropyLoss(), num_epochs, 32,
                      trainer=trainer, valid_iter=valid_iter, verbose=False,
                      callbacks=[TensorBoardLogger(tmp_path / name / "logs"),
                                 d2l.Checkpoint(tmp_path / name / "checkpoints", every=2,
                                                seed=0)])

    run("straight", 4)
    run("resumed", 3)
    for path in (tmp_path / "resumed" / "checkpoints").iterdir():
        if path.name == "epoch-0003":  # as if the run had died before saving epoch 3
            for f in path.iterdir():
                f.unlink()
            path.rmdir()
    run("resumed", 4)
    want, got = read_events(tmp_path / "straight" / "logs"), read_events(tmp_path / "resumed"
                                                                          / "logs")
    for tag in want.Tags()["scalars"]:
        assert [(e.step, e.value) for e in got.Scalars(tag)] == \
            [(e.step, e.value) for e in want.Scalars(tag)], tag
    assert [e.step for e in got.Histograms("weights/0.weight")] == [1, 2, 3, 4]
