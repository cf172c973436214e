"""train_ch5: the book's printout, on its context, through train_ch3 (callbacks and all)."""

import re

import mxnet as mx
import pytest
from mxnet import gluon, init, nd
from mxnet.gluon import nn

import d2l_utils as d2l


def net_and_batches(ctx):
    d2l.set_seed(0)
    net = nn.Sequential()
    net.add(nn.Dense(8, activation='relu'), nn.Dense(3))
    net.initialize(init.Xavier(), ctx=ctx)
    X = nd.random.normal(shape=(60, 5))
    y = (X[:, 0] > 0) + (X[:, 1] > 0)
    return net, [(X[i:i + 20], y[i:i + 20]) for i in range(0, 60, 20)]


def test_train_ch5_prints_the_books_lines_and_runs_on_ctx(capsys):
    ctx = mx.cpu(1)
    net, data = net_and_batches(ctx)
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.5})

    class Seen(d2l.Callback):
        epochs = []

        def on_epoch_end(self, state):
            self.epochs.append(state.history.test_acc[-1])

    assert d2l.train_ch5(net, data, data, 20, trainer, ctx, 2, callbacks=[Seen()]) is None
    out = capsys.readouterr().out.splitlines()
    assert out[0] == 'training on cpu(1)' and len(out) == 3
    for i, line in enumerate(out[1:]):
        m = re.fullmatch(r"epoch (\d), loss \d+\.\d{4}, train acc \d\.\d{3}, "
                         r"test acc (\d\.\d{3}), time \d+\.\d sec", line)
        assert m and m[1] == str(i + 1) and m[2] == f"{Seen.epochs[i]:.3f}", line
    assert m[2] == f"{d2l.evaluate_accuracy(data, net, ctx):.3f}"


def test_train_ch5_checks_through_train_ch3(capsys):
    net, data = net_and_batches(mx.cpu())
    with pytest.raises(ValueError, match="train_ch3: num_epochs must be an int >= 1"):
        d2l.train_ch5(net, data, data, 20, gluon.Trainer(net.collect_params(), 'sgd',
                                                          {'learning_rate': 0.1}), mx.cpu(), 0)
