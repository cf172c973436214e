"""Hand-written NumPy backward passes plugged into MXNet autograd, so train_ch3 trains them.

``NumpyMLP`` is a net whose forward and backward are ``numpy_net``'s
functions, wrapped in ``mxnet.autograd.Function``: autograd calls our
``backward`` where it would call its own.  ``numpy_softmax_cross_entropy`` is
the loss, with our combined softmax + cross-entropy gradient.  Every number of
the training step is computed by NumPy except the parameter update
(``d2l.sgd``), so the course's one loop, ``d2l.train_ch3``, trains the NumPy
network on the same batches as every other chapter.  Introduced in
chapters/08_backprop_numpy.ipynb.
"""

import numpy as np
from mxnet import autograd, nd

from . import numpy_net


class _MLPFunction(autograd.Function):
    """Forward: numpy_net.mlp_forward; backward: numpy_net.mlp_backward.

    Inputs are ``(*params, X)``: MXNet 1.9's ``autograd.Function`` passes no
    gradient back when its first input is not in the graph (X never is), so
    the parameters come first.
    """

    def __init__(self, names):
        super().__init__()
        self.names = names

    def forward(self, *inputs):
        *params, X = inputs
        x = X.asnumpy().reshape(X.shape[0], -1)
        weights = {k: p.asnumpy() for k, p in zip(self.names, params, strict=True)}
        logits, self.caches = numpy_net.mlp_forward(weights, x)
        self.x_shape, self.x_dtype = X.shape, X.dtype
        return nd.array(logits, dtype=logits.dtype)

    def backward(self, dlogits):
        grads = numpy_net.mlp_backward(dlogits.asnumpy(), self.caches)
        self.caches = None  # free the activations
        # X needs no gradient: zeros keep autograd's bookkeeping happy.
        return (*(nd.array(grads[k], dtype=grads[k].dtype) for k in self.names),
                nd.zeros(self.x_shape, dtype=self.x_dtype))


class _SoftmaxCEFunction(autograd.Function):
    """Per-example cross-entropy of softmax(logits); backward ``(P - Y) * dloss``."""

    def forward(self, logits, y):
        z = logits.asnumpy()
        labels = y.asnumpy()
        n = z.shape[0]
        # softmax_cross_entropy returns the mean; the per-example losses are -log P[i, y_i].
        _, self.cache = numpy_net.softmax_cross_entropy(z, labels)
        P, idx = self.cache
        with np.errstate(divide="ignore"):  # log(0) = -inf is the honest loss there
            losses = -np.log(P[np.arange(n), idx])
        self.y_shape, self.y_dtype = y.shape, y.dtype
        return nd.array(losses, dtype=z.dtype)

    def backward(self, dloss):
        dz = numpy_net.softmax_cross_entropy_backward(self.cache, scale=dloss.asnumpy())
        return nd.array(dz, dtype=dz.dtype), nd.zeros(self.y_shape, dtype=self.y_dtype)


def numpy_softmax_cross_entropy(y_hat, y):
    """Per-example softmax cross-entropy of logits y_hat (n, q) and labels y (n,).

    Like ``gluon.loss.SoftmaxCrossEntropyLoss()`` (logits in, one loss per
    example out) but computed, and differentiated, by ``numpy_net``.  Use it
    as the ``loss`` of ``d2l.train_ch3``.  Introduced in
    chapters/08_backprop_numpy.ipynb.
    """
    return _SoftmaxCEFunction()(y_hat, y)


class NumpyMLP:
    """A ``numpy_net`` MLP that ``d2l.train_ch3`` can train: ``net(X)`` gives the logits.

    ``params``: a dict from ``numpy_net.init_mlp`` (copied into NDArrays with
    gradients attached, ``self.params``, the list to pass to ``train_ch3``).
    Images (n, 1, 28, 28) are flattened.  ``numpy_params()`` returns the
    current values as a dict of numpy arrays.  Introduced in
    chapters/08_backprop_numpy.ipynb.
    """

    def __init__(self, params):
        numpy_net.num_layers(params)  # checks the keys
        self.names = list(params)
        self.params = [nd.array(params[k], dtype=params[k].dtype) for k in self.names]
        for p in self.params:
            p.attach_grad()

    def __call__(self, X):
        return _MLPFunction(self.names)(*self.params, X)

    def numpy_params(self):
        """The current parameters as ``{name: numpy array}``."""
        return {k: p.asnumpy() for k, p in zip(self.names, self.params, strict=True)}

    def __repr__(self):
        shapes = ", ".join(f"{k} {p.shape}" for k, p in zip(self.names, self.params, strict=True))
        return f"NumpyMLP({shapes})"
