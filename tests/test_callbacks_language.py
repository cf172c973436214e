"""train_ch3's stop messages in Chinese after ``set_language('zh')``; the English ones are
tested in test_callbacks.py and test_regularization.py."""

import math

import pytest
from mxnet import nd

from d2l_utils import language
from d2l_utils.callbacks import EarlyStopping, StopOnDivergence
from d2l_utils.training import History, TrainState


@pytest.fixture(autouse=True)
def chinese():
    language.set_language("zh")
    yield
    language._current[0] = None


def state_after(**lists):
    history = History(**lists)
    return TrainState(None, [nd.zeros(1)], None, history, num_epochs=9,
                      epoch=len(history.train_loss or history.valid_acc))


def test_the_divergence_message_in_chinese_keeps_the_loss_and_the_fix(capsys):
    state = state_after(train_loss=[0.9, math.nan])
    StopOnDivergence().on_epoch_end(state)
    assert state.stop == ("train_ch3：在第 2 个迭代周期后停止：训练损失为 nan（不是有限值）。"
                          "常见原因：学习率太大（试试小 10 倍的），或朴素 softmax 中的 exp 上溢"
                          "（请用数值稳定的损失函数，例如 gluon.loss.SoftmaxCrossEntropyLoss）。")
    assert capsys.readouterr().out == state.stop + "\n"


def test_early_stopping_says_why_in_chinese(capsys):
    stopper = EarlyStopping(patience=2)
    state = state_after(valid_acc=[])
    stopper.on_train_begin(state)
    for epoch, acc in enumerate([0.70, 0.80, 0.79, 0.78], start=1):
        state.epoch = epoch
        state.history.valid_acc.append(acc)
        stopper.on_epoch_end(state)
    assert state.stop == ("在第 4 个迭代周期后早停：验证准确率已经 2 个迭代周期没有提高"
                          "（最好的是第 2 个迭代周期的 0.800）")
    assert capsys.readouterr().out == state.stop + "\n"
