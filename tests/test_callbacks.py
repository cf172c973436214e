"""The callbacks package: train_ch3's own reporters, and the loop module's dependencies."""

import ast
import math
from pathlib import Path

import d2l_utils
from d2l_utils.callbacks import EpochLog, LivePlot, StopOnDivergence
from d2l_utils.callbacks.reporting import epoch_accuracies, reporters
from d2l_utils.training import History, TrainState


def state_after(**lists):
    history = History(**lists)
    return TrainState(None, None, None, history, num_epochs=3, epoch=len(history.train_loss))


def test_train_ch3_reports_through_callbacks_it_installs_itself():
    curves = ["train_loss", "train_acc", "test_acc"]
    assert [type(cb) for cb in reporters(curves, verbose=True, plot=True)] == [EpochLog,
                                                                                LivePlot]
    assert [type(cb) for cb in reporters(curves, verbose=True, plot=None)] == [EpochLog]
    assert reporters(curves, verbose=False, plot=False) == []
    assert reporters(["train_loss"], verbose=True, plot=False)[0].accuracy is False


def test_the_epoch_line_names_the_splits_measured_this_epoch(capsys):
    state = state_after(train_loss=[0.9, 0.5], train_acc=[0.6, 0.8], valid_acc=[0.7],
                        test_acc=[0.65, 0.75], seconds=[1.0, 2.25])
    assert epoch_accuracies(state.history) == {"train": 0.8, "test": 0.75}  # valid: stale
    EpochLog().on_epoch_end(state)
    EpochLog(seconds=True).on_epoch_end(state)  # the book's train_ch5 line
    EpochLog(accuracy=False).on_epoch_end(state)
    assert capsys.readouterr().out.splitlines() == [
        "epoch 2, loss 0.5000, train acc 0.800, test acc 0.750",
        "epoch 2, loss 0.5000, train acc 0.800, test acc 0.750, time 2.2 sec",
        "epoch 2, loss 0.5000, test acc 0.750"]


def test_a_loss_that_is_not_finite_stops_with_the_reason(capsys):
    state = state_after(train_loss=[0.9, math.inf], train_acc=[0.5, 0.1])
    StopOnDivergence().on_epoch_end(state)
    assert state.stop.startswith("train_ch3: stopped after epoch 2: the training loss is inf")
    assert capsys.readouterr().out == state.stop + "\n"


def test_the_loop_module_imports_neither_plotting_nor_data():
    tree = ast.parse(Path(d2l_utils.__file__).with_name("training.py").read_text())
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert not {"plotting", "data"} & imported, imported
    assert "callbacks.reporting" in imported
