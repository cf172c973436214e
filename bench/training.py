"""Training contenders: the first edition's code against the course's helpers.

* (a) ``first_edition``: the book's chapter 3.6 as d2lzh wrote it out: Gluon
  ``FashionMNIST`` + ``ToTensor`` + ``DataLoader`` (d2lzh's 4 workers), the
  from-scratch net, ``d2lzh.sgd`` (four NDArray ops per parameter) and metrics
  read with ``.asscalar()`` after every batch;
* (b) ``course_scratch``: the same net and loss through ``d2l_utils.train_ch3``
  on ``d2l_utils.load_data_fashion_mnist``;
* (c) ``course_concise``: chapter 04's Gluon net, ``HybridSequential`` +
  ``Dense(10)`` hybridized, ``SoftmaxCrossEntropyLoss``, ``Trainer('sgd')``;
* ``course_mlp``: 784-256-10 with ReLU, Gluon, hybridized, lr 0.5 (the book's
  MLP chapter), on the course's loader and ``train_ch3``; with
  ``hidden=(300, 100)`` the source material's deeper MLP (chapter 07);
* ``course_mlp_scratch``: 784-256-10 written from scratch with ``nd`` (chapter
  06): ``nd.dot``, ``nd.maximum``, Gluon's loss, ``d2l.sgd``, through ``train_ch3``.

Every run seeds MXNet and NumPy with the same value first, so (a) and (b) start
from the same weights and see the same shuffled order (DataLoader's sampler and
our iterator both draw ``permutation(60000)`` from NumPy's global generator):
their accuracies differ only by rounding.  Each run returns per-epoch seconds,
an epoch being one training pass plus the test evaluation (end to end), and the
final test accuracy.
"""

import contextlib
import io
import time

from data_pipeline import gluon_loader
from mxnet import autograd, gluon, init, nd
from mxnet.gluon import nn

import d2l_utils as d2l

BATCH_SIZE, NUM_INPUTS, NUM_OUTPUTS = 256, 784, 10
SOFTMAX_LR, MLP_LR, SEED = 0.1, 0.5, 0
D2LZH_WORKERS = 4  # d2lzh.load_data_fashion_mnist: 4 workers except on Windows


# --- (a) the first edition, as d2lzh (utils.py, chapter 3.6) wrote it ------------------

def first_edition_loaders(arrays, batch_size=BATCH_SIZE, num_workers=D2LZH_WORKERS):
    """d2lzh's (train_iter, test_iter): FashionMNIST + ToTensor + DataLoader, test unshuffled."""
    X_train, y_train, X_test, y_test = arrays
    train_iter = gluon_loader(X_train, y_train, batch_size, num_workers=num_workers)
    test_iter = gluon_loader(X_test, y_test, batch_size, num_workers=num_workers, shuffle=False)
    return train_iter, test_iter


def d2lzh_sgd(params, lr, batch_size):
    """d2lzh.sgd: ``param[:] = param - lr * param.grad / batch_size`` (four ops)."""
    for param in params:
        param[:] = param - lr * param.grad / batch_size


def d2lzh_evaluate_accuracy(data_iter, net):
    """d2lzh's chapter 3.6 evaluate_accuracy: one ``.asscalar()`` per batch."""
    acc_sum, n = 0.0, 0
    for X, y in data_iter:
        y = y.astype('float32')
        acc_sum += (net(X).argmax(axis=1) == y).sum().asscalar()
        n += y.size
    return acc_sum / n


def d2lzh_train_ch3(net, train_iter, test_iter, loss, num_epochs, batch_size,
                    params=None, lr=None, trainer=None):
    """d2lzh.train_ch3 with a timer around each epoch; returns (seconds, test accuracies)."""
    seconds, test_accs = [], []
    for _ in range(num_epochs):
        start = time.perf_counter()
        train_l_sum, train_acc_sum, n = 0.0, 0.0, 0
        for X, y in train_iter:
            with autograd.record():
                y_hat = net(X)
                l = loss(y_hat, y).sum()  # noqa: E741 (the book's name)
            l.backward()
            if trainer is None:
                d2lzh_sgd(params, lr, batch_size)
            else:
                trainer.step(batch_size)
            y = y.astype('float32')
            train_l_sum += l.asscalar()
            train_acc_sum += (y_hat.argmax(axis=1) == y).sum().asscalar()
            n += y.size
        test_accs.append(d2lzh_evaluate_accuracy(test_iter, net))
        seconds.append(time.perf_counter() - start)
    return seconds, test_accs


# --- the nets ----------------------------------------------------------------------------

def scratch_softmax():
    """Chapter 3.6's net, loss and parameters: softmax(X W + b), -log picked probability."""
    W = nd.random.normal(scale=0.01, shape=(NUM_INPUTS, NUM_OUTPUTS))
    b = nd.zeros(NUM_OUTPUTS)
    W.attach_grad()
    b.attach_grad()

    def softmax(X):
        X_exp = X.exp()
        return X_exp / X_exp.sum(axis=1, keepdims=True)

    def net(X):
        return softmax(nd.dot(X.reshape((-1, NUM_INPUTS)), W) + b)

    def cross_entropy(y_hat, y):
        return -nd.pick(y_hat, y).log()

    return net, cross_entropy, [W, b]


def gluon_net(hidden=(), **hybridize_kwargs):
    """HybridSequential of Dense layers (ReLU between), Normal(0.01) init, hybridized."""
    net = nn.HybridSequential()
    for width in hidden:
        net.add(nn.Dense(width, activation='relu'))
    net.add(nn.Dense(NUM_OUTPUTS))
    net.initialize(init.Normal(sigma=0.01))
    net.hybridize(**hybridize_kwargs)
    return net


# --- one run of each contender -------------------------------------------------------------

def _result(seconds, test_acc):
    return {"seconds": list(seconds), "test_acc": float(test_acc)}


def first_edition(loaders, num_epochs=10, lr=SOFTMAX_LR):
    """(a): d2lzh's train_ch3 on the Gluon DataLoader pipeline, scratch net."""
    d2l.set_seed(SEED)
    net, loss, params = scratch_softmax()
    seconds, accs = d2lzh_train_ch3(net, *loaders, loss, num_epochs, BATCH_SIZE, params, lr)
    return _result(seconds, accs[-1])


def _course_train(net, loaders, loss, num_epochs, **kwargs):
    with contextlib.redirect_stdout(io.StringIO()):  # train_ch3 prints every epoch
        history = d2l.train_ch3(net, *loaders, loss, num_epochs, BATCH_SIZE, plot=False, **kwargs)
    return _result(history.seconds, history.test_acc[-1])


def course_scratch(loaders, num_epochs=10, lr=SOFTMAX_LR):
    """(b): the same scratch net through d2l_utils.train_ch3 on the course's loader."""
    d2l.set_seed(SEED)
    net, loss, params = scratch_softmax()
    return _course_train(net, loaders, loss, num_epochs, params=params, lr=lr)


def course_gluon(loaders, num_epochs=10, hidden=(), lr=SOFTMAX_LR, hybridize_loss=False,
                 **hybridize_kwargs):
    """(c) with ``hidden=()``, the MLP with ``hidden=(256,)``: Gluon net, Trainer sgd.

    ``hybridize_loss``: also hybridize the loss block (the book does not).
    ``hybridize_kwargs`` go to ``net.hybridize``, e.g. ``static_alloc=True``.
    """
    d2l.set_seed(SEED)
    net = gluon_net(hidden, **hybridize_kwargs)
    trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': lr})
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    if hybridize_loss:
        loss.hybridize()
    return _course_train(net, loaders, loss, num_epochs, trainer=trainer)


def scratch_mlp(hidden=256):
    """Chapter 06's net: relu(X W1 + b1) W2 + b2 with nd, Normal(0.01) weights; (net, params)."""
    W1 = nd.random.normal(scale=0.01, shape=(NUM_INPUTS, hidden))
    b1 = nd.zeros(hidden)
    W2 = nd.random.normal(scale=0.01, shape=(hidden, NUM_OUTPUTS))
    b2 = nd.zeros(NUM_OUTPUTS)
    params = [W1, b1, W2, b2]
    for param in params:
        param.attach_grad()

    def net(X):
        H = nd.maximum(nd.dot(X.reshape((-1, NUM_INPUTS)), W1) + b1, 0)
        return nd.dot(H, W2) + b2

    return net, params


def course_mlp_scratch(loaders, num_epochs=10, lr=MLP_LR):
    """The MLP 784-256-10 from scratch (chapter 06) through d2l_utils.train_ch3."""
    d2l.set_seed(SEED)
    net, params = scratch_mlp()
    loss = gluon.loss.SoftmaxCrossEntropyLoss()
    return _course_train(net, loaders, loss, num_epochs, params=params, lr=lr)


def course_loaders():
    """The course's (train_iter, test_iter) at batch 256, shuffling from NumPy's global RNG."""
    return d2l.load_data_fashion_mnist(BATCH_SIZE)
