"""The compute bound: how fast an epoch could be if only the matrix products cost time.

Softmax regression and the MLP spend their arithmetic in dense layers
(``X @ W``); everything else (bias, softmax, loss, SGD update) is O(batch x
outputs) per layer, two orders of magnitude less, and is not counted.  Per
example and per layer of shape (d_in -> d_out), with 2 FLOPs per
multiply-add:

* forward ``X @ W``: 2 d_in d_out, for the training and the test images;
* backward, training images only: the weight gradient ``X^T @ dY`` (2 d_in
  d_out) and, for every layer but the first, the input gradient ``dY @ W^T``
  (2 d_in d_out).  The first layer's input is the data, which has no gradient,
  and MXNet does not compute it.

The measured rate is that of the batch's product itself, (256 x 784) @ (784 x
d_out), repeated back to back: by MXNet's ``nd.dot`` (what the from-scratch
net calls), by ``nd.FullyConnected`` (what ``nn.Dense`` calls, oneDNN) and by
NumPy's BLAS, for reference.  The bound uses the fastest of them.
"""

import statistics
import time

import numpy as np
from mxnet import nd

N_TRAIN, N_TEST, NUM_INPUTS = 60000, 10000, 784


def dense_flops(layers, n_train=N_TRAIN, n_test=N_TEST):
    """Matrix-product FLOPs of one epoch (a training pass and a test pass) through dense layers.

    ``layers``: the widths, input first, e.g. ``[784, 10]`` for softmax
    regression or ``[784, 256, 10]`` for the MLP.  Returns a dict with the
    ``forward`` FLOPs (train + test images), the ``backward`` FLOPs (training
    images) and their ``total``; see the module docstring for what is counted.
    """
    if len(layers) < 2 or any(isinstance(w, bool) or not isinstance(w, int) or w < 1
                              for w in layers):
        raise ValueError(f"dense_flops: layers must be >= 2 positive int widths, got {layers!r}")
    if n_train < 0 or n_test < 0:
        raise ValueError(f"dense_flops: example counts must be >= 0, got {n_train}, {n_test}")
    per_product = [2 * d_in * d_out for d_in, d_out in zip(layers[:-1], layers[1:], strict=True)]
    forward = sum(per_product) * (n_train + n_test)
    backward = (sum(per_product) + sum(per_product[1:])) * n_train
    return {"forward": forward, "backward": backward, "total": forward + backward}


def lower_bound_seconds(flops, gflops):
    """Seconds that ``flops`` floating-point operations take at ``gflops`` GFLOP/s."""
    if gflops <= 0:
        raise ValueError(f"lower_bound_seconds: gflops must be > 0, got {gflops}")
    return flops / (gflops * 1e9)


def _products(batch, d_in, d_out):
    """The three implementations of one (batch x d_in) @ (d_in x d_out) product, ready to call."""
    rng = np.random.default_rng(0)
    X_np = rng.random((batch, d_in), dtype=np.float32)
    W_np = rng.random((d_in, d_out), dtype=np.float32)
    out_np = np.empty((batch, d_out), dtype=np.float32)
    X, W, out = nd.array(X_np), nd.array(W_np), nd.empty((batch, d_out))
    W_t, bias = nd.array(W_np.T), nd.zeros(d_out)
    return {
        "nd.dot": lambda: nd.dot(X, W, out=out),
        "nd.FullyConnected": lambda: nd.FullyConnected(X, W_t, bias, num_hidden=d_out, out=out),
        "numpy": lambda: np.dot(X_np, W_np, out=out_np),
    }


def matmul_gflops(d_out=10, batch=256, d_in=NUM_INPUTS, calls=500, repeats=5):
    """Measured GFLOP/s of the (batch x d_in) @ (d_in x d_out) product, per implementation.

    Each repeat times ``calls`` products back to back (then waits for MXNet);
    implementations alternate within a repeat, and the median repeat counts.
    Returns {name: GFLOP/s}.
    """
    products = _products(batch, d_in, d_out)
    flops = 2 * batch * d_in * d_out * calls
    for product in products.values():  # warm up: first calls allocate and pick kernels
        for _ in range(20):
            product()
    nd.waitall()
    times = {name: [] for name in products}
    for _ in range(repeats):
        for name, product in products.items():
            start = time.perf_counter()
            for _ in range(calls):
                product()
            nd.waitall()
            times[name].append(time.perf_counter() - start)
    return {name: flops / statistics.median(t) / 1e9 for name, t in times.items()}
