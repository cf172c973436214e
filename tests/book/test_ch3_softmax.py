"""Book sections 3.5-3.7: Fashion-MNIST, softmax regression from scratch and with Gluon.

The book's code with ``import d2l_utils as d2l``; 3.6 trains the book's 5
epochs (about a second: the book's test accuracy is 0.84), 3.7 one.
Section 3.4 is theory without code.  Needs the real Fashion-MNIST.
"""

import time

import pytest
from helpers import printed
from mxnet import autograd, gluon, init, nd
from mxnet.gluon import loss as gloss
from mxnet.gluon import nn

import d2l_utils as d2l

# The book programs train (`make check` skips them; `make test` runs them).
pytestmark = [pytest.mark.usefixtures("fresh_figures"), pytest.mark.slow]


def test_3_5_reading_and_showing_fashion_mnist(real_fashion_mnist):
    # The book reads single examples with gdata.vision.FashionMNIST, which downloads (not
    # part of d2l_utils, and impossible offline); its d2l calls follow.
    batch_size = 256
    train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
    X, y = next(iter(test_iter))
    d2l.show_fashion_mnist(X[0:9], d2l.get_fashion_mnist_labels(y[0:9]))
    axes = d2l.plt.gcf().axes
    assert [ax.get_title() for ax in axes] == d2l.get_fashion_mnist_labels(y[0:9])
    assert axes[0].get_title() == 'ankle boot'  # the test set's first image
    start = time.time()
    for X, y in train_iter:
        continue
    print('%.2f sec' % (time.time() - start))
    assert X.shape[1:] == (1, 28, 28) and len(train_iter) == 235 and len(test_iter) == 40


def test_3_6_softmax_regression_from_scratch_reaches_the_books_accuracy(real_fashion_mnist,
                                                                        capsys):
    d2l.set_seed(0)
    batch_size = 256
    train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
    num_inputs, num_outputs = 784, 10
    W = nd.random.normal(scale=0.01, shape=(num_inputs, num_outputs))
    b = nd.zeros(num_outputs)
    W.attach_grad()
    b.attach_grad()

    def softmax(X):
        X_exp = X.exp()
        partition = X_exp.sum(axis=1, keepdims=True)
        return X_exp / partition

    def net(X):
        return softmax(nd.dot(X.reshape((-1, num_inputs)), W) + b)

    def cross_entropy(y_hat, y):
        return -nd.pick(y_hat, y).log()

    y_hat = nd.array([[0.1, 0.3, 0.6], [0.3, 0.2, 0.5]])
    y = nd.array([0, 2], dtype='int32')
    assert d2l.accuracy(y_hat, y) == 0.5
    before = d2l.evaluate_accuracy(test_iter, net)
    assert 0.03 < before < 0.2  # chance, as the book's 0.0925

    num_epochs, lr = 5, 0.1
    d2l.train_ch3(net, train_iter, test_iter, cross_entropy, num_epochs, batch_size, [W, b], lr)
    accs = printed(capsys.readouterr().out, r"test acc ([\d.]+)")
    assert len(accs) == 5 and accs[0] > 0.75 and accs[-1] >= 0.80

    for X, y in test_iter:
        break
    true_labels = d2l.get_fashion_mnist_labels(y.asnumpy())
    pred_labels = d2l.get_fashion_mnist_labels(net(X).argmax(axis=1).asnumpy())
    titles = [true + '\n' + pred for true, pred in zip(true_labels, pred_labels)]
    d2l.show_fashion_mnist(X[0:9], titles[0:9])
    assert [ax.get_title() for ax in d2l.plt.gcf().axes] == titles[:9]


def test_3_7_concise_softmax_regression_learns_in_one_epoch(real_fashion_mnist, capsys):
    d2l.set_seed(0)
    batch_size = 256
    train_iter, test_iter = d2l.load_data_fashion_mnist(batch_size)
    net = nn.Sequential()
    net.add(nn.Dense(10))
    net.initialize(init.Normal(sigma=0.01))
    loss = gloss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
    num_epochs = 1
    d2l.train_ch3(net, train_iter, test_iter, loss, num_epochs, batch_size, None, None, trainer)
    out = capsys.readouterr().out
    assert out.startswith('epoch 1, loss ')
    assert printed(out, r"test acc ([\d.]+)")[0] > 0.75
    with autograd.predict_mode():
        assert net(nd.zeros((2, 1, 28, 28))).shape == (2, 10)
