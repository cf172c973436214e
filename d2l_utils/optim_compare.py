"""Comparing optimizers on linear regression, the first edition's way: train_ch7, train_gluon_ch7.

Book sections 7.3 (mini-batch SGD) to 7.8 (Adam) train a linear regression
on the airfoil data (``get_data_ch7``) with each optimizer, record the loss
over the whole data set every 100 examples and plot it against the epoch.
The course's chapter 10_optimization.ipynb teaches the same optimizers on
Fashion-MNIST.

Both helpers train through the course's one training loop, ``train_ch3``
(with ``classify=False``: a regression, no accuracy), and add the book's
behaviour with a callback, ``LossEvery100``.  The update rule comes in as a
stand-in for ``gluon.Trainer`` (``StepFn``), and the from-scratch model's
loss is the batch *mean*, as in the book, so the rules see the gradient of
the mean and divide by nothing.
"""

import numpy as np
from mxnet import gluon, init, nd
from mxnet.gluon import data as gdata
from mxnet.gluon import loss as gloss
from mxnet.gluon import nn

from .linear_regression import linreg, squared_loss
from .plotting import set_figsize
from .training import Callback, train_ch3

# pyplot is imported in the functions that draw: plotting.py says why.


class LossEvery100(Callback):
    """Record ``eval_loss()`` at the start and after every batch that ends at a multiple of 100.

    The book's rule: after batch ``i`` (counted from 0 in each epoch),
    record if ``(i + 1) * batch_size % 100 == 0``; with batch size 10 that
    is every 10th batch, with 1,500 every batch.  ``losses``: the record.
    Book section 7.3.
    """

    def __init__(self, eval_loss, batch_size):
        self.eval_loss, self.batch_size = eval_loss, batch_size
        self.losses = [eval_loss()]
        self.batch_i = 0

    def on_epoch_begin(self, state):
        self.batch_i = 0

    def on_batch_end(self, state):
        self.batch_i += 1
        if self.batch_i * self.batch_size % 100 == 0:
            self.losses.append(self.eval_loss())


class StepFn:
    """A ``gluon.Trainer`` stand-in: ``step`` calls ``trainer_fn(params, states, hyperparams)``.

    So ``train_ch3`` runs the book's hand-written update rules (sections
    7.3-7.8).  ``learning_rate``: ``hyperparams['lr']`` (None if the rule has
    none, as Adadelta).  ``step`` ignores its batch size: the loss is
    already a batch mean.
    """

    def __init__(self, trainer_fn, params, states, hyperparams):
        self.trainer_fn, self.params = trainer_fn, params
        self.states, self.hyperparams = states, hyperparams

    @property
    def learning_rate(self):
        return self.hyperparams.get('lr') if isinstance(self.hyperparams, dict) else None

    def step(self, batch_size):
        self.trainer_fn(self.params, self.states, self.hyperparams)


def _check_data(caller, features, labels):
    if not isinstance(features, nd.NDArray) or features.ndim != 2:
        raise ValueError(f"{caller}: features must be an (n, d) NDArray, e.g. from "
                         f"d2l.get_data_ch7(), got {getattr(features, 'shape', features)!r}")
    if not isinstance(labels, nd.NDArray) or labels.shape != features.shape[:1]:
        raise ValueError(f"{caller}: labels must be an NDArray of shape ({features.shape[0]},), "
                         f"one per row of features, got {getattr(labels, 'shape', labels)!r}")


def _train_and_report(net, loss, trainer, eval_loss, features, labels, batch_size, num_epochs):
    data_iter = gdata.DataLoader(gdata.ArrayDataset(features, labels), batch_size, shuffle=True)
    record = LossEvery100(eval_loss, batch_size)
    history = train_ch3(net, data_iter, None, loss, num_epochs, batch_size, trainer=trainer,
                        classify=False, plot=False, verbose=False, callbacks=[record])
    ls = record.losses
    # The book times the last epoch alone: training, and the loss records within it.
    print(f'loss: {ls[-1]:f}, {history.seconds[-1]:f} sec per epoch')
    set_figsize()
    from matplotlib import pyplot as plt
    plt.plot(np.linspace(0, num_epochs, len(ls)), ls)
    plt.xlabel('epoch')
    plt.ylabel('loss')


def train_ch7(trainer_fn, states, hyperparams, features, labels, batch_size=10, num_epochs=2):
    """Train ``linreg`` with the update rule ``trainer_fn``; print the last loss, plot the record.

    The book's function (section 7.3), called as ``d2l.train_ch7(sgd, None,
    {'lr': 0.05}, features, labels, 10)``: w ~ N(0, 0.01^2) of shape (d, 1)
    and b = 0; Gluon's shuffling ``DataLoader`` over (features, labels);
    for each batch the squared loss's mean, backward, then
    ``trainer_fn([w, b], states, hyperparams)``; the loss over all the data
    at the start and every 100 examples (``LossEvery100``).  Prints ``loss:
    <last record>, <seconds> sec per epoch`` (the last epoch's time) and
    draws the record against the epoch on the current figure.  Returns None,
    like the book.  The batches run through ``train_ch3``, the course's one
    training loop (see the module docstring); the book wrote a loop of its own.
    """
    if not callable(trainer_fn):
        raise TypeError(f"train_ch7: trainer_fn must be an update rule (params, states, "
                        f"hyperparams) -> None, got {trainer_fn!r}")
    _check_data("train_ch7", features, labels)
    w = nd.random.normal(scale=0.01, shape=(features.shape[1], 1))
    b = nd.zeros(1)
    w.attach_grad()
    b.attach_grad()

    def net(X):
        return linreg(X, w, b)

    def mean_loss(y_hat, y):  # train_ch3 sums what the loss returns: here the batch mean
        return squared_loss(y_hat, y).mean()

    def eval_loss():
        return squared_loss(net(features), labels).mean().asscalar()

    _train_and_report(net, mean_loss, StepFn(trainer_fn, [w, b], states, hyperparams),
                      eval_loss, features, labels, batch_size, num_epochs)


def train_gluon_ch7(trainer_name, trainer_hyperparams, features, labels, batch_size=10,
                    num_epochs=2):
    """Train ``nn.Dense(1)`` with ``gluon.Trainer(trainer_name, trainer_hyperparams)`` as train_ch7.

    The book's function (section 7.3), e.g. ``d2l.train_gluon_ch7('sgd',
    {'learning_rate': 0.05}, features, labels, 10)``: weights ~ N(0, 0.01^2),
    ``gluon.loss.L2Loss``, ``trainer.step(batch_size)`` after each batch;
    the same loss record, printout and plot as ``train_ch7``.  Returns None,
    like the book.  Runs through ``train_ch3``, the course's one training loop.
    """
    _check_data("train_gluon_ch7", features, labels)
    net = nn.Sequential()
    net.add(nn.Dense(1))
    net.initialize(init.Normal(sigma=0.01))
    loss = gloss.L2Loss()

    def eval_loss():
        return loss(net(features), labels).mean().asscalar()

    trainer = gluon.Trainer(net.collect_params(), trainer_name, trainer_hyperparams)
    _train_and_report(net, loss, trainer, eval_loss, features, labels, batch_size, num_epochs)
