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
from mxnet import autograd, gluon, init, nd

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


class NumpyMLP(gluon.Block):
    """A ``numpy_net`` MLP as a Gluon block: ``net(X)`` gives the logits, our backward.

    ``params``: a dict from ``numpy_net.init_mlp``, copied into Gluon
    parameters, so ``gluon.Trainer(net.collect_params(), 'sgd', ...)`` updates
    them and ``d2l.train_ch3(..., trainer=trainer)`` trains the net (the
    trainer divides the summed gradient by the batch size).  Images
    (n, 1, 28, 28) are flattened.  ``numpy_params()`` returns the current
    values as a dict of numpy arrays.  Introduced in
    chapters/08_backprop_numpy.ipynb.
    """

    def __init__(self, params):
        super().__init__(prefix="numpy_mlp_")
        numpy_net.num_layers(params)  # checks the keys
        self.names = list(params)
        with self.name_scope():
            for k in self.names:
                self.params.get(k, shape=params[k].shape, dtype=params[k].dtype,
                                init=init.Zero())
        self.initialize()
        for k in self.names:
            self.params.get(k).set_data(nd.array(params[k], dtype=params[k].dtype))

    def forward(self, X):
        weights = [self.params.get(k).data() for k in self.names]
        return _MLPFunction(self.names)(*weights, X)

    def numpy_params(self):
        """The current parameters as ``{name: numpy array}``."""
        return {k: self.params.get(k).data().asnumpy() for k in self.names}

    def __repr__(self):
        shapes = ", ".join(f"{k} {self.params.get(k).shape}" for k in self.names)
        return f"NumpyMLP({shapes})"


def mxnet_mlp(params):
    """The same MLP written with MXNet ``nd`` ops, from the same weights: (net, param_list).

    ``params``: a ``numpy_net`` dict; the NDArrays (gradients attached) are
    copies.  autograd differentiates this net: the reference our backward is
    checked against, and the "MXNet from scratch" contender when timing.
    Introduced in chapters/08_backprop_numpy.ipynb.
    """
    L = numpy_net.num_layers(params)
    weights = [nd.array(params[k], dtype=params[k].dtype) for k in params]
    for w in weights:
        w.attach_grad()
    by_name = dict(zip(params, weights, strict=True))

    def net(X):
        A = X.reshape((X.shape[0], -1))
        for i in range(1, L + 1):
            A = nd.dot(A, by_name[f"W{i}"]) + by_name[f"b{i}"]
            if i < L:
                A = nd.relu(A)
        return A

    return net, weights


def _leaf(a, dtype):
    x = nd.array(a, dtype=dtype)
    x.attach_grad()
    return x


def autograd_mlp_grads(params, X, y):
    """MXNet autograd's loss and every gradient of the MLP, intermediate ones included.

    The reference for ``numpy_net.loss_and_grads`` (same keys: ``W_l, b_l``,
    ``Z_l``, ``A_l``, ``X``).  autograd returns gradients of leaves only, so
    this runs layer by layer from the top: each step's inputs are made leaves,
    and its backward gets the gradient autograd computed for the step above
    (the chain rule, applied by hand; every local derivative is autograd's).
    The loss is Gluon's ``SoftmaxCrossEntropyLoss``, averaged.  Computed in
    the dtype of ``params``.  Introduced in chapters/08_backprop_numpy.ipynb.
    """
    L = numpy_net.num_layers(params)
    dtype = params["W1"].dtype
    ins, outs = [np.asarray(X, dtype=dtype)], []
    for i in range(1, L + 1):  # the forward pass, for the values each step starts from
        Z = nd.dot(nd.array(ins[-1], dtype=dtype), nd.array(params[f"W{i}"], dtype=dtype)) \
            + nd.array(params[f"b{i}"], dtype=dtype)
        outs.append(Z.asnumpy())
        if i < L:
            ins.append(nd.relu(Z).asnumpy())
    grads = {}
    Z = _leaf(outs[-1], dtype)
    with autograd.record():
        loss = gluon.loss.SoftmaxCrossEntropyLoss()(Z, nd.array(y, dtype=dtype)).mean()
    loss.backward()
    upstream = Z.grad
    for i in range(L, 0, -1):
        if i < L:  # A_i = relu(Z_i)
            grads[f"A{i}"] = upstream.asnumpy()
            Zi = _leaf(outs[i - 1], dtype)
            with autograd.record():
                A = nd.relu(Zi)
            A.backward(upstream)
            upstream = Zi.grad
        grads[f"Z{i}"] = upstream.asnumpy()
        A_prev, W, b = (_leaf(a, dtype) for a in (ins[i - 1], params[f"W{i}"], params[f"b{i}"]))
        with autograd.record():
            Z = nd.dot(A_prev, W) + b
        Z.backward(upstream)
        grads[f"W{i}"], grads[f"b{i}"] = W.grad.asnumpy(), b.grad.asnumpy()
        upstream = A_prev.grad
    grads["X"] = upstream.asnumpy()
    return float(loss.asscalar()), grads
