"""Self-checks for the exercises of chapters/04_softmax_concise_gluon.ipynb.

Same verdict lines as ``checks.ch03``: ``"<check>: correct"``,
``"<check>: wrong: ..."``, or ``"<check>: not yet: ..."`` for an untouched stub.
References are Gluon's own loss with integer labels, a count of parameters by
formula and MXNet's exported graph.
"""

import json
import os
import tempfile
from pathlib import Path

import numpy as np
from mxnet import gluon, init, nd
from mxnet.gluon import nn

from ._common import _call, _describe, _fmt, _verdict
from .ch03 import _choice_verdict, _stub_verdict

# ---- exercise 1: one-hot labels with sparse_label=False --------------------------------


def check_one_hot_loss(fn):
    """Check ``fn(logits, y)``: per-example losses of ``SoftmaxCrossEntropyLoss(sparse_label=
    False)`` on one-hot labels, equal to the default loss on integer labels ``y``."""
    name = "check_one_hot_loss"
    rng = np.random.RandomState(7)
    sparse = gluon.loss.SoftmaxCrossEntropyLoss()
    for k in (10, 3):
        logits = nd.array(rng.randn(5, k) * 3)
        y = nd.array(rng.randint(0, k, size=5))
        got, problem = _call(fn, logits, y)
        if problem and k != 10:
            problem = (f"works for 10 classes but for {k} classes it {problem}; the one-hot "
                       "depth must be the number of classes, logits.shape[1], not 10")
        elif problem and "MXNetError" in problem:
            problem += ("; with sparse_label=False the labels must be one-hot, shape "
                        "(batch, classes): nd.one_hot(y, logits.shape[1])")
        if problem:
            return _stub_verdict(name, problem, "build the one-hot labels and the loss, then "
                                                "run this cell again")
        expected = sparse(logits, y).asnumpy()
        if got.shape != expected.shape:
            return _verdict(name, f"returned shape {got.shape} for {k} classes, expected "
                                  f"{expected.shape}: one loss per example")
        if np.allclose(got, expected, rtol=1e-4, atol=1e-5):
            continue
        double = sparse(nd.softmax(logits), y).asnumpy()
        if np.allclose(got, double, rtol=1e-4, atol=1e-5):
            return _verdict(name, "the loss takes logits and applies the softmax itself; "
                                  "pass net(X)'s logits, not softmax(logits)")
        return _verdict(name, f"got {_fmt(got)}, expected {_fmt(expected)} for {k} classes "
                              f"and labels {y.asnumpy().astype(int).tolist()}; the one-hot "
                              "labels need depth = the number of classes, "
                              "nd.one_hot(y, logits.shape[1])")
    return _verdict(name, None)


# ---- exercise 2: parameters of softmax regression for a huge label set -----------------

def check_num_params(fn):
    """Check ``fn(num_inputs, num_classes)``: the number of parameters of softmax regression."""
    name = "check_num_params"
    for d, q in ((784, 10), (2, 3), (784, 1_000_000), (1, 2)):
        try:
            got = fn(d, q)
        except Exception as err:  # student code: a verdict, not a traceback
            return _stub_verdict(name, f"raised {_describe(err)}",
                                 "return the count as a formula of the two arguments")
        expected = (d + 1) * q
        if got == expected:
            continue
        hints = {d * q: "forgot the biases: one per class",
                 d + q: "a weight connects every input to every class: multiply, not add",
                 (d + 1) * (q + 1): "one bias per class, none per input",
                 d * q + 1: "the bias is a vector, one entry per class"}
        return _verdict(name, hints.get(got, f"num_params({d}, {q}) returned {got!r}, "
                                             f"expected {expected}"))
    return _verdict(name, None)


# ---- exercise 3: squared loss for classification (conceptual) --------------------------

SQUARED_LOSS = {
    "a": "never: on one-hot targets the squared loss and the cross-entropy have the same "
         "minimum and train equally well",
    "b": "when the softmax is confidently wrong: its outputs saturate, so the squared loss's "
         "gradient with respect to the logits almost vanishes, while the cross-entropy's "
         "gradient, softmax(o) - y, stays large",
    "c": "always: the squared loss cannot be computed on probabilities",
    "d": "only on a GPU, where it is slower",
}


def check_squared_loss(answer):
    """Check exercise 3: when squared loss is a poor choice (a letter of ``SQUARED_LOSS``)."""
    hints = {
        "a": "both are smallest at the right answer, but compare how hard each pushes a "
             "confidently wrong prediction: work out the gradient at softmax(o) near (1, 0) "
             "for the label 1",
        "c": "(y_hat - y)^2 is defined for any numbers; the question is how well it trains",
        "d": "the cost per example is about the same; the difference is in the gradient",
    }
    return _choice_verdict("check_squared_loss", answer, SQUARED_LOSS, "b", hints)


# ---- exercise 4: export into a temporary folder, list the operators --------------------

def _exported_net():
    net = nn.HybridSequential()
    net.add(nn.Dense(10))
    net.initialize(init.Normal(sigma=0.01))
    return net


def _reference_operators(net, folder):
    net.hybridize()
    net(nd.zeros((1, 1, 28, 28)))
    net.export(os.path.join(folder, "reference"))
    graph = json.loads(Path(folder, "reference-symbol.json").read_text())
    return sorted({node["op"] for node in graph["nodes"] if node["op"] != "null"})


def check_exported_operators(fn):
    """Check ``fn(net, folder)``: export ``net`` into ``folder`` and return the sorted list of
    operator names in the exported graph (without the 'null' nodes: inputs and parameters)."""
    name = "check_exported_operators"
    cwd = Path.cwd()
    before = set(os.listdir(cwd))
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryDirectory() as ref:
        try:
            got = fn(_exported_net(), folder)
        except Exception as err:  # student code: a verdict, not a traceback
            return _stub_verdict(name, f"raised {_describe(err)}",
                                 "export into folder and read its -symbol.json, then run "
                                 "this cell again")
        written = sorted(os.listdir(folder))
        expected = _reference_operators(_exported_net(), ref)
    stray = sorted(set(os.listdir(cwd)) - before)
    for f in stray:
        if f.endswith(("-symbol.json", ".params")):
            (cwd / f).unlink()
    if stray:
        return _verdict(name, f"it wrote {stray} into the current folder; pass a path inside "
                              "folder to net.export, e.g. os.path.join(folder, 'softmax')")
    if not any(f.endswith("-symbol.json") for f in written):
        return _verdict(name, f"nothing was exported into folder (it holds {written}); call "
                              "net.export(os.path.join(folder, 'softmax')) after one forward "
                              "pass of the hybridized net")
    if not isinstance(got, list | tuple) or not all(isinstance(op, str) for op in got):
        return _verdict(name, f"returned {type(got).__name__}, expected a list of operator "
                              "names (str)")
    if "null" in got:
        return _verdict(name, "'null' nodes are the graph's inputs and parameters (data, "
                              "weight, bias), not operators; leave them out")
    if sorted(got) != expected:
        return _verdict(name, f"returned {sorted(got)}, the exported graph has {expected}")
    return _verdict(name, None)
