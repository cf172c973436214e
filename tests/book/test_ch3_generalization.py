"""Book sections 3.11-3.13: under- and overfitting, weight decay, dropout.

The book's code with ``import d2l_utils as d2l``.  3.11 keeps the book's 100
epochs (100 examples, so under a second a fit); 3.12 trains 20 epochs
instead of 100 (the norms and the train/test gap already show); 3.13 trains
1 epoch instead of 5 and needs the real Fashion-MNIST.
"""

import numpy as np
import pytest
from helpers import printed
from mxnet import autograd, gluon, init, nd
from mxnet.gluon import data as gdata
from mxnet.gluon import loss as gloss
from mxnet.gluon import nn

import d2l_utils as d2l

# The book programs train (`make check` skips them; `make test` runs them).
pytestmark = [pytest.mark.usefixtures("fresh_figures"), pytest.mark.slow]


# ----------------------------------------------------------------------------- 3.11
def polynomial_fits(capsys):
    """The book's three fits; returns [(train loss, test loss)] in the book's order."""
    n_train, n_test, true_w, true_b = 100, 100, [1.2, -3.4, 5.6], 5
    features = nd.random.normal(shape=(n_train + n_test, 1))
    poly_features = nd.concat(features, nd.power(features, 2), nd.power(features, 3))
    labels = (true_w[0] * poly_features[:, 0] + true_w[1] * poly_features[:, 1]
              + true_w[2] * poly_features[:, 2] + true_b)
    labels += nd.random.normal(scale=0.1, shape=labels.shape)
    num_epochs, loss = 100, gloss.L2Loss()

    def fit_and_plot(train_features, test_features, train_labels, test_labels):
        net = nn.Sequential()
        net.add(nn.Dense(1))
        net.initialize()
        batch_size = min(10, train_labels.shape[0])
        train_iter = gdata.DataLoader(gdata.ArrayDataset(
            train_features, train_labels), batch_size, shuffle=True)
        trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.01})
        train_ls, test_ls = [], []
        for _ in range(num_epochs):
            for X, y in train_iter:
                with autograd.record():
                    l = loss(net(X), y)
                l.backward()
                trainer.step(batch_size)
            train_ls.append(loss(net(train_features), train_labels).mean().asscalar())
            test_ls.append(loss(net(test_features), test_labels).mean().asscalar())
        print('final epoch: train loss', train_ls[-1], 'test loss', test_ls[-1])
        d2l.semilogy(range(1, num_epochs + 1), train_ls, 'epochs', 'loss',
                     range(1, num_epochs + 1), test_ls, ['train', 'test'])
        print('weight:', net[0].weight.data().asnumpy(),
              '\nbias:', net[0].bias.data().asnumpy())

    fit_and_plot(poly_features[:n_train, :], poly_features[n_train:, :],
                 labels[:n_train], labels[n_train:])
    fit_and_plot(features[:n_train, :], features[n_train:, :], labels[:n_train],
                 labels[n_train:])
    fit_and_plot(poly_features[0:2, :], poly_features[n_train:, :], labels[0:2],
                 labels[n_train:])
    out = capsys.readouterr().out
    finals = printed(out, r"train loss ([\d.e-]+) test loss")
    tests = printed(out, r"test loss ([\d.e-]+)")
    return list(zip(finals, tests))


def test_3_11_polynomial_fitting_fits_underfits_and_overfits(capsys):
    d2l.set_seed(0)
    (good_train, good_test), (linear_train, linear_test), (two_train, two_test) = \
        polynomial_fits(capsys)
    # Third order on 100 examples: both losses near the noise's 0.1**2 / 2 = 0.005.
    assert good_train < 0.05 and good_test < 0.05
    # A line cannot follow the cubic: both losses stay high (underfitting).
    assert linear_train > 10 * good_train and linear_test > 10 * good_test
    # Two examples: the training loss is far below the test loss (overfitting).
    assert two_test > 10 * two_train and two_test > 10 * good_test
    figures = [d2l.plt.figure(n) for n in d2l.plt.get_fignums()]
    assert all(fig.axes[0].get_yscale() == 'log' for fig in figures)
    ax = figures[-1].axes[0]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ['train', 'test']
    assert ax.get_lines()[1].get_linestyle() == ':'


# ----------------------------------------------------------------------------- 3.12
def weight_decay_norms(capsys, num_epochs):
    n_train, n_test, num_inputs = 20, 100, 200
    true_w, true_b = nd.ones((num_inputs, 1)) * 0.01, 0.05
    features = nd.random.normal(shape=(n_train + n_test, num_inputs))
    labels = nd.dot(features, true_w) + true_b
    labels += nd.random.normal(scale=0.01, shape=labels.shape)
    train_features, test_features = features[:n_train, :], features[n_train:, :]
    train_labels, test_labels = labels[:n_train], labels[n_train:]

    def init_params():
        w = nd.random.normal(scale=1, shape=(num_inputs, 1))
        b = nd.zeros(shape=(1,))
        w.attach_grad()
        b.attach_grad()
        return [w, b]

    def l2_penalty(w):
        return (w**2).sum() / 2

    batch_size, lr = 1, 0.003
    net, loss = d2l.linreg, d2l.squared_loss
    train_iter = gdata.DataLoader(gdata.ArrayDataset(
        train_features, train_labels), batch_size, shuffle=True)

    def fit_and_plot(lambd):
        w, b = init_params()
        train_ls, test_ls = [], []
        for _ in range(num_epochs):
            for X, y in train_iter:
                with autograd.record():
                    # add the L2 norm penalty term
                    l = loss(net(X, w, b), y) + lambd * l2_penalty(w)
                l.backward()
                d2l.sgd([w, b], lr, batch_size)
            train_ls.append(loss(net(train_features, w, b), train_labels).mean().asscalar())
            test_ls.append(loss(net(test_features, w, b), test_labels).mean().asscalar())
        d2l.semilogy(range(1, num_epochs + 1), train_ls, 'epochs', 'loss',
                     range(1, num_epochs + 1), test_ls, ['train', 'test'])
        print('L2 norm of w:', w.norm().asscalar())
        return train_ls[-1], test_ls[-1]

    def fit_and_plot_gluon(wd):
        net = nn.Sequential()
        net.add(nn.Dense(1))
        net.initialize(init.Normal(sigma=1))
        # decay the weights; the bias is not decayed
        trainer_w = gluon.Trainer(net.collect_params('.*weight'), 'sgd',
                                  {'learning_rate': lr, 'wd': wd})
        trainer_b = gluon.Trainer(net.collect_params('.*bias'), 'sgd',
                                  {'learning_rate': lr})
        train_ls, test_ls = [], []
        for _ in range(num_epochs):
            for X, y in train_iter:
                with autograd.record():
                    l = loss(net(X), y)
                l.backward()
                trainer_w.step(batch_size)
                trainer_b.step(batch_size)
            train_ls.append(loss(net(train_features), train_labels).mean().asscalar())
            test_ls.append(loss(net(test_features), test_labels).mean().asscalar())
        d2l.semilogy(range(1, num_epochs + 1), train_ls, 'epochs', 'loss',
                     range(1, num_epochs + 1), test_ls, ['train', 'test'])
        print('L2 norm of w:', net[0].weight.data().norm().asscalar())
        return train_ls[-1], test_ls[-1]

    losses = [fit_and_plot(lambd=0), fit_and_plot(lambd=3),
              fit_and_plot_gluon(0), fit_and_plot_gluon(3)]
    norms = printed(capsys.readouterr().out, r"L2 norm of w: ([\d.e-]+)")
    return norms, losses


def test_3_12_weight_decay_shrinks_w_and_narrows_the_gap(capsys):
    d2l.set_seed(0)
    norms, losses = weight_decay_norms(capsys, num_epochs=20)
    scratch_0, scratch_3, gluon_0, gluon_3 = norms
    # ||w|| starts near sqrt(200) = 14; each step with decay multiplies w by 1 - 0.003 * 3.
    assert scratch_3 < 0.5 * scratch_0 and gluon_3 < 0.5 * gluon_0
    (train_0, test_0), (train_3, test_3) = losses[0], losses[1]
    # Without decay 20 examples are fitted far better than new data (overfitting);
    # decay trades training loss for a smaller gap.
    assert test_0 > 10 * train_0
    assert test_3 / train_3 < test_0 / train_0
    # From scratch and Gluon's wd are the same rule: the same shrinkage, up to the seed.
    assert 0.5 < (scratch_3 / scratch_0) / (gluon_3 / gluon_0) < 2


# ----------------------------------------------------------------------------- 3.13
def dropout(X, drop_prob):
    assert 0 <= drop_prob <= 1
    keep_prob = 1 - drop_prob
    # every element is dropped in this case
    if keep_prob == 0:
        return X.zeros_like()
    mask = nd.random.uniform(0, 1, X.shape) < keep_prob
    return mask * X / keep_prob


def test_3_13_dropout_from_scratch(real_fashion_mnist, capsys):
    d2l.set_seed(0)
    X = nd.arange(16).reshape((2, 8))
    assert (dropout(X, 0) == X).min().asscalar() == 1
    assert dropout(X, 1).sum().asscalar() == 0
    kept = dropout(X, 0.5).asnumpy()
    assert set(np.unique(kept[X.asnumpy() > 0] / X.asnumpy()[X.asnumpy() > 0])) <= {0, 2}

    num_inputs, num_outputs, num_hiddens1, num_hiddens2 = 784, 10, 256, 256
    W1 = nd.random.normal(scale=0.01, shape=(num_inputs, num_hiddens1))
    b1 = nd.zeros(num_hiddens1)
    W2 = nd.random.normal(scale=0.01, shape=(num_hiddens1, num_hiddens2))
    b2 = nd.zeros(num_hiddens2)
    W3 = nd.random.normal(scale=0.01, shape=(num_hiddens2, num_outputs))
    b3 = nd.zeros(num_outputs)
    params = [W1, b1, W2, b2, W3, b3]
    for param in params:
        param.attach_grad()
    drop_prob1, drop_prob2 = 0.2, 0.5

    def net(X):
        X = X.reshape((-1, num_inputs))
        H1 = (nd.dot(X, W1) + b1).relu()
        if autograd.is_training():  # dropout only while training
            H1 = dropout(H1, drop_prob1)
        H2 = (nd.dot(H1, W2) + b2).relu()
        if autograd.is_training():
            H2 = dropout(H2, drop_prob2)
        return nd.dot(H2, W3) + b3

    num_epochs, lr, batch_size = 1, 0.5, 256
    loss = gloss.SoftmaxCrossEntropyLoss()
    train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
    d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, batch_size, params, lr)
    assert printed(capsys.readouterr().out, r"test acc ([\d.]+)")[0] > 0.6


def test_3_13_concise_dropout(real_fashion_mnist, capsys):
    d2l.set_seed(0)
    drop_prob1, drop_prob2 = 0.2, 0.5
    net = nn.Sequential()
    net.add(nn.Dense(256, activation="relu"),
            nn.Dropout(drop_prob1),  # after the first fully connected layer
            nn.Dense(256, activation="relu"),
            nn.Dropout(drop_prob2),  # after the second
            nn.Dense(10))
    net.initialize(init.Normal(sigma=0.01))
    num_epochs, lr, batch_size = 1, 0.5, 256
    loss = gloss.SoftmaxCrossEntropyLoss()
    train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': lr})
    d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, batch_size, None, None, trainer)
    assert printed(capsys.readouterr().out, r"test acc ([\d.]+)")[0] > 0.6
