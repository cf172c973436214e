"""A multilayer perceptron in plain NumPy: every forward and backward written by hand.

Notation (one row per example, as in the rest of the course): a batch X has
shape (n, d); an affine layer computes ``Z = X @ W + b`` with W (d, h) and
b (h,); ReLU gives ``A = max(Z, 0)``; the last affine layer gives the logits
(n, q), and the loss is the mean softmax cross-entropy over the batch.  Each
``*_backward`` takes the gradient of the loss with respect to the layer's
output (same shape as the output) and returns the gradients with respect to
its inputs and parameters (each the shape of what it is the gradient of).

Parameters live in a dict ``{"W1": ..., "b1": ..., "W2": ..., "b2": ...}``;
gradients in a dict with the same keys.  Everything works in float32 (for
training) and float64 (for gradient checking).  Introduced in
chapters/08_backprop_numpy.ipynb.
"""

import numpy as np

from .arguments import check_number


def _check_2d(name, A):
    if not isinstance(A, np.ndarray) or A.ndim != 2:
        got = getattr(A, "shape", type(A).__name__)
        raise ValueError(f"{name} must be a 2-D numpy array (rows = examples), got {got}; "
                         "flatten images with X.reshape(len(X), -1)")


def affine_forward(X, W, b):
    """``Z = X @ W + b`` for X (n, d), W (d, h), b (h,); returns (Z, cache).

    Introduced in chapters/08_backprop_numpy.ipynb.
    """
    _check_2d("affine_forward: X", X)
    if W.shape[0] != X.shape[1] or b.shape != (W.shape[1],):
        raise ValueError(f"affine_forward: X {X.shape}, W {W.shape} and b {b.shape} do not "
                         "fit: need X (n, d), W (d, h), b (h,)")
    return X @ W + b, (X, W)


def affine_backward(dZ, cache):
    """Gradients of an affine layer: (dX, dW, db) from dZ (n, h).

    ``dX = dZ @ W.T`` (n, d), ``dW = X.T @ dZ`` (d, h), ``db = dZ.sum(axis=0)``
    (h,): each output Z[i, j] depends on W[k, j] through X[i, k], and on b[j]
    once per example.  Introduced in chapters/08_backprop_numpy.ipynb.
    """
    X, W = cache
    return dZ @ W.T, X.T @ dZ, dZ.sum(axis=0)


def relu_forward(Z):
    """``A = max(Z, 0)`` element-wise; returns (A, cache).

    Introduced in chapters/08_backprop_numpy.ipynb.
    """
    return np.maximum(Z, 0), Z


def relu_backward(dA, cache):
    """``dZ = dA * (Z > 0)``: the gradient passes where the unit was active.

    At Z = 0 exactly we use 0 (any value in [0, 1] is a valid subgradient;
    MXNet uses 0 too).  Introduced in chapters/08_backprop_numpy.ipynb.
    """
    return dA * (cache > 0)


def softmax(Z):
    """Row-wise softmax, stable: subtract each row's maximum before ``exp``.

    The numerically stable softmax of chapters/02_softmax_regression.ipynb, in
    NumPy.  Introduced in chapters/08_backprop_numpy.ipynb.
    """
    Z = Z - Z.max(axis=1, keepdims=True)
    E = np.exp(Z)
    return E / E.sum(axis=1, keepdims=True)


def _labels(y, n, q):
    y = np.asarray(y)
    if y.shape != (n,):
        raise ValueError(f"labels y must have shape ({n},), one class index per example, "
                         f"got {y.shape}")
    labels = y.astype(np.int64)
    if not np.array_equal(labels, y) or labels.min() < 0 or labels.max() >= q:
        raise ValueError(f"labels y must be class indices 0..{q - 1}, got values in "
                         f"[{y.min():g}, {y.max():g}]")
    return labels


def softmax_cross_entropy(Z, y):
    """Mean cross-entropy of ``softmax(Z)`` against labels y; returns (loss, cache).

    Z: logits (n, q); y: (n,) class indices (ints or integral floats).  The
    log-probabilities come from the log-sum-exp trick, so large logits neither
    overflow nor give log(0).  Introduced in chapters/08_backprop_numpy.ipynb.
    """
    _check_2d("softmax_cross_entropy: Z", Z)
    n, q = Z.shape
    labels = _labels(y, n, q)
    shifted = Z - Z.max(axis=1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    loss = -log_probs[np.arange(n), labels].mean()
    return loss, (np.exp(log_probs), labels)


def softmax_cross_entropy_backward(cache, scale=None):
    """``dZ = (softmax(Z) - one_hot(y)) * scale``; scale defaults to 1/n (the mean loss).

    ``scale``: a number, or an (n,) array of per-example weights (the gradient
    of a sum of per-example losses is ``scale = ones``).  Introduced in
    chapters/08_backprop_numpy.ipynb.
    """
    P, labels = cache
    n = P.shape[0]
    dZ = P.copy()
    dZ[np.arange(n), labels] -= 1
    scale = 1.0 / n if scale is None else np.asarray(scale, dtype=P.dtype)
    return dZ * (scale[:, None] if np.ndim(scale) == 1 else scale)


def init_mlp(sizes=(784, 128, 10), scale="he", seed=0, dtype=np.float32):
    """Parameters of an MLP with layer widths ``sizes``: W_l normal, b_l zero.

    ``scale``: ``"he"`` draws W_l with standard deviation sqrt(2 / fan_in)
    (He et al. 2015, for ReLU), or a number is the standard deviation itself
    (e.g. 0.01).  ``seed``: a private generator, so the global NumPy seed is
    not moved.  Returns ``{"W1": (d, h), "b1": (h,), ..., "WL", "bL"}``.
    Introduced in chapters/08_backprop_numpy.ipynb.
    """
    if len(sizes) < 2:
        raise ValueError(f"init_mlp: sizes must be at least two layer widths, got {sizes!r}")
    sizes = [check_number(f"init_mlp: sizes[{i}]", s, int, 1) for i, s in enumerate(sizes)]
    if not (scale == "he" or isinstance(scale, int | float) and scale > 0):
        raise ValueError(f"init_mlp: scale must be 'he' or a positive number, got {scale!r}")
    rng = np.random.default_rng(seed)
    params = {}
    for i, (fan_in, fan_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True), 1):
        std = np.sqrt(2.0 / fan_in) if scale == "he" else scale
        params[f"W{i}"] = (rng.standard_normal((fan_in, fan_out)) * std).astype(dtype)
        params[f"b{i}"] = np.zeros(fan_out, dtype=dtype)
    return params


def num_layers(params):
    """How many affine layers a parameter dict holds (keys W1, b1, ..., WL, bL)."""
    L = len(params) // 2
    expected = {f"{p}{i}" for i in range(1, L + 1) for p in "Wb"}
    if set(params) != expected:
        raise ValueError(f"params must have the keys W1, b1, ..., W{L}, b{L}, got "
                         f"{sorted(params)}")
    return L


def mlp_forward(params, X):
    """Logits of the MLP (affine, ReLU, ..., affine) for X (n, d); returns (logits, caches).

    Introduced in chapters/08_backprop_numpy.ipynb.
    """
    L = num_layers(params)
    caches, A = [], X
    for i in range(1, L + 1):
        Z, affine_cache = affine_forward(A, params[f"W{i}"], params[f"b{i}"])
        relu_cache = None
        if i < L:
            A, relu_cache = relu_forward(Z)
        caches.append((affine_cache, relu_cache))
    return Z, caches


def mlp_backward(dlogits, caches):
    """Every gradient of the MLP, from the gradient of the logits.

    Returns a dict with the parameter gradients ``W1, b1, ..., WL, bL`` and
    the intermediate ones ``Z_l`` (pre-activations, Z_L being the logits),
    ``A_l`` (hidden activations) and ``X`` (the input).  Introduced in
    chapters/08_backprop_numpy.ipynb.
    """
    grads, dZ = {}, dlogits
    L = len(caches)
    for i in range(L, 0, -1):
        affine_cache, relu_cache = caches[i - 1]
        if relu_cache is not None:
            grads[f"A{i}"] = dZ
            dZ = relu_backward(dZ, relu_cache)
        grads[f"Z{i}"] = dZ
        dA, grads[f"W{i}"], grads[f"b{i}"] = affine_backward(dZ, affine_cache)
        dZ = dA
    grads["X"] = dA
    return grads


def loss_and_grads(params, X, y):
    """Mean softmax cross-entropy of the MLP on (X, y) and its gradients (a dict).

    The function a gradient check differentiates: ``check_gradient(lambda p:
    loss_and_grads(p, X, y), params)``.  The gradients include the
    intermediate ones (see ``mlp_backward``).  Introduced in
    chapters/08_backprop_numpy.ipynb.
    """
    logits, caches = mlp_forward(params, X)
    loss, ce_cache = softmax_cross_entropy(logits, y)
    return loss, mlp_backward(softmax_cross_entropy_backward(ce_cache), caches)


def predict(params, X):
    """Predicted classes (n,) of the MLP for X (n, d).

    Introduced in chapters/08_backprop_numpy.ipynb.
    """
    return mlp_forward(params, X)[0].argmax(axis=1)
