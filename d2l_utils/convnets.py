"""Training convolutional networks the first edition's way: train_ch5.

Book sections 5.5 (LeNet) to 5.10 (batch normalization) train every network
with ``train_ch5``; the course's chapter 10_optimization.ipynb teaches batch
normalization.  ``train_ch5`` is the course's one training loop,
``train_ch3``, run on a device (``ctx``) with the book's loss and printout.
"""

from mxnet.gluon import loss as gloss

from .callbacks.reporting import EpochLog
from .training import train_ch3


def train_ch5(net, train_iter, test_iter, batch_size, trainer, ctx, num_epochs, *,
              callbacks=(), plot=False):
    """Train a Gluon classifier on ``ctx`` with softmax cross-entropy; print one line per epoch.

    The book's signature (section 5.5): ``net`` a Gluon block initialized on
    ``ctx`` (e.g. ``d2l.try_gpu()``), ``trainer`` a ``gluon.Trainer`` over
    its parameters, ``trainer.step(batch_size)`` after each batch.  Prints
    ``training on <ctx>``, then one line per epoch with its time
    (``EpochLog(seconds=True)``); batches and
    ``evaluate_accuracy(test_iter, net, ctx)`` run on ``ctx``.  Returns None,
    like the book (``train_ch3(..., ctx=ctx)`` returns the ``History``).
    Runs through ``train_ch3``, so it checks its arguments and the net's
    output, stops on a nan loss with a reason, and (keyword only) takes
    ``callbacks`` and ``plot`` (True: the live plot of train_ch3; off by default, so
    the output is the book's).
    """
    print('training on', ctx)
    train_ch3(net, train_iter, test_iter, gloss.SoftmaxCrossEntropyLoss(), num_epochs,
              batch_size, trainer=trainer, ctx=ctx, verbose=False, plot=plot,
              callbacks=[EpochLog(seconds=True), *callbacks])
