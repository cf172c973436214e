"""Book sections 3.1-3.3: linear regression, from scratch and with Gluon, on ``d2l_utils``.

The programs are the book's code with ``import d2l_utils as d2l`` (the
helpers the book saved in d2lzh are called as ``d2l.*``); hyperparameters
are the book's (3 epochs, learning rate 0.03, batch size 10).
"""

import random
from time import time

import pytest
from helpers import printed
from mxnet import autograd, gluon, init, nd
from mxnet.gluon import data as gdata
from mxnet.gluon import loss as gloss
from mxnet.gluon import nn

import d2l_utils as d2l

# The book programs train (`make check` skips them; `make test` runs them).
pytestmark = [pytest.mark.usefixtures("fresh_figures"), pytest.mark.slow]


def test_3_1_vectorized_addition_equals_the_loop():
    a = nd.ones(shape=1000)
    b = nd.ones(shape=1000)
    start = time()
    c = nd.zeros(shape=1000)
    for i in range(1000):
        c[i] = a[i] + b[i]
    loop = time() - start
    start = time()
    d = a + b
    assert (c == d).min().asscalar() == 1
    assert loop > 0 and time() - start >= 0


def make_data():
    num_inputs, num_examples = 2, 1000
    true_w, true_b = [2, -3.4], 4.2
    features = nd.random.normal(scale=1, shape=(num_examples, num_inputs))
    labels = true_w[0] * features[:, 0] + true_w[1] * features[:, 1] + true_b
    labels += nd.random.normal(scale=0.01, shape=labels.shape)
    return features, labels, true_w, true_b


def test_3_2_linear_regression_from_scratch_recovers_w_and_b(capsys):
    d2l.set_seed(1)
    features, labels, true_w, true_b = make_data()
    d2l.set_figsize()
    d2l.plt.scatter(features[:, 1].asnumpy(), labels.asnumpy(), 1)
    assert len(d2l.plt.gca().collections[0].get_offsets()) == 1000

    batch_size = 10
    for X, y in d2l.data_iter(batch_size, features, labels):
        print(X, y)
        break
    assert X.shape == (10, 2) and y.shape == (10,)

    w = nd.random.normal(scale=0.01, shape=(2, 1))
    b = nd.zeros(shape=(1,))
    w.attach_grad()
    b.attach_grad()
    lr, num_epochs = 0.03, 3
    net, loss = d2l.linreg, d2l.squared_loss
    for epoch in range(num_epochs):
        for X, y in d2l.data_iter(batch_size, features, labels):
            with autograd.record():
                l = loss(net(X, w, b), y)
            l.backward()
            d2l.sgd([w, b], lr, batch_size)
        train_l = loss(net(features, w, b), labels)
        print('epoch %d, loss %f' % (epoch + 1, train_l.mean().asnumpy()))
    losses = printed(capsys.readouterr().out, r"epoch \d, loss ([\d.]+)")
    assert len(losses) == 3 and losses[-1] < 1e-3  # the book printed 0.000049
    assert abs(w.asnumpy().ravel() - true_w).max() < 0.01
    assert abs(b.asscalar() - true_b) < 0.01


def test_3_2_data_iter_visits_every_example_once_in_a_random_order():
    features, labels = nd.arange(25).reshape((25, 1)), nd.arange(25)
    random.seed(0)
    batches = list(d2l.data_iter(10, features, labels))
    assert [len(y) for _, y in batches] == [10, 10, 5]
    order = nd.concat(*[y for _, y in batches], dim=0).asnumpy()
    assert sorted(order) == list(range(25)) and list(order) != list(range(25))


def test_3_3_concise_linear_regression_recovers_w_and_b(capsys):
    d2l.set_seed(1)
    features, labels, true_w, true_b = make_data()
    batch_size = 10
    dataset = gdata.ArrayDataset(features, labels)
    data_iter = gdata.DataLoader(dataset, batch_size, shuffle=True)
    net = nn.Sequential()
    net.add(nn.Dense(1))
    net.initialize(init.Normal(sigma=0.01))
    loss = gloss.L2Loss()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.03})
    num_epochs = 3
    for epoch in range(1, num_epochs + 1):
        for X, y in data_iter:
            with autograd.record():
                l = loss(net(X), y)
            l.backward()
            trainer.step(batch_size)
        l = loss(net(features), labels)
        print('epoch %d, loss: %f' % (epoch, l.mean().asnumpy()))
    dense = net[0]
    assert abs(dense.weight.data().asnumpy().ravel() - true_w).max() < 0.01
    assert abs(dense.bias.data().asscalar() - true_b) < 0.01
    assert printed(capsys.readouterr().out, r"loss: ([\d.]+)")[-1] < 1e-3
