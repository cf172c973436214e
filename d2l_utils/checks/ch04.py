"""Self-checks for the exercises of chapters/04_softmax_concise_gluon.ipynb.

Each check prints one verdict line (``_verdict``) and returns True or False.
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

from ..language import TextMap, text
from ._choice import _choice
from ._common import _attempt, _call, _fmt
from ._verdict import STUB, verdict

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
        if problem is STUB:
            return verdict(name, problem, text("build the one-hot labels and the loss, then "
                                               "run this cell again",
                                               "构造 one-hot 标签和损失，然后再运行这个单元格"))
        if problem and k != 10:
            problem = text(f"works for 10 classes but for {k} classes it {problem}; the "
                           "one-hot depth must be the number of classes, logits.shape[1], "
                           "not 10",
                           f"对 10 个类别可行，但对 {k} 个类别：{problem}；one-hot 的深度"
                           "必须是类别数 logits.shape[1]，而不是 10")
        elif problem and "MXNetError" in problem:
            problem += text("; with sparse_label=False the labels must be one-hot, shape "
                            "(batch, classes): nd.one_hot(y, logits.shape[1])",
                            "；sparse_label=False 时标签必须是 one-hot 编码，形状为 "
                            "(batch, classes)：nd.one_hot(y, logits.shape[1])")
        if problem:
            return verdict(name, problem)
        expected = sparse(logits, y).asnumpy()
        if got.shape != expected.shape:
            return verdict(name, text(f"returned shape {got.shape} for {k} classes, expected "
                                      f"{expected.shape}: one loss per example",
                                      f"对 {k} 个类别返回的形状为 {got.shape}，应为 "
                                      f"{expected.shape}：每个样本一个损失"))
        if np.allclose(got, expected, rtol=1e-4, atol=1e-5):
            continue
        double = sparse(nd.softmax(logits), y).asnumpy()
        if np.allclose(got, double, rtol=1e-4, atol=1e-5):
            return verdict(name, text("the loss takes logits and applies the softmax itself; "
                                      "pass net(X)'s logits, not softmax(logits)",
                                      "这个损失接收 logits 并自己做 softmax；请传入 net(X) "
                                      "的 logits，而不是 softmax(logits)"))
        return verdict(name, text(f"got {_fmt(got)}, expected {_fmt(expected)} for {k} "
                                  f"classes and labels {y.asnumpy().astype(int).tolist()}; "
                                  "the one-hot labels need depth = the number of classes, "
                                  "nd.one_hot(y, logits.shape[1])",
                                  f"对 {k} 个类别、标签 {y.asnumpy().astype(int).tolist()}，"
                                  f"得到 {_fmt(got)}，应为 {_fmt(expected)}；one-hot 标签的"
                                  "深度须等于类别数，nd.one_hot(y, logits.shape[1])"))
    return verdict(name, None)


# ---- exercise 2: parameters of softmax regression for a huge label set -----------------

def check_num_params(fn):
    """Check ``fn(num_inputs, num_classes)``: the number of parameters of softmax regression."""
    name = "check_num_params"
    for d, q in ((784, 10), (2, 3), (784, 1_000_000), (1, 2)):
        got, problem = _attempt(fn, d, q)
        if problem:
            return verdict(name, problem, text("return the count as a formula of the two "
                                               "arguments",
                                               "用这两个参数的公式返回参数个数"))
        expected = (d + 1) * q
        if got == expected:
            continue
        hints = {d * q: text("forgot the biases: one per class", "漏了偏差：每个类别一个"),
                 d + q: text("a weight connects every input to every class: multiply, not add",
                             "每个输入与每个类别之间都有一个权重：应该相乘，而不是相加"),
                 (d + 1) * (q + 1): text("one bias per class, none per input",
                                         "每个类别一个偏差，输入没有偏差"),
                 d * q + 1: text("the bias is a vector, one entry per class",
                                 "偏差是一个向量，每个类别一个元素")}
        return verdict(name, hints.get(got, text(f"num_params({d}, {q}) returned {got!r}, "
                                                 f"expected {expected}",
                                                 f"num_params({d}, {q}) 返回了 {got!r}，"
                                                 f"应为 {expected}")))
    return verdict(name, None)


# ---- exercise 3: squared loss for classification (conceptual) --------------------------

SQUARED_LOSS = TextMap(lambda: {
    "a": text("never: on one-hot targets the squared loss and the cross-entropy have the same "
              "minimum and train equally well",
              "从不：在 one-hot 目标上，平方损失和交叉熵的最小值相同，训练效果一样好"),
    "b": text("when the softmax is confidently wrong: its outputs saturate, so the squared "
              "loss's gradient with respect to the logits almost vanishes, while the "
              "cross-entropy's gradient, softmax(o) - y, stays large",
              "当 softmax 很有把握却预测错误时：它的输出饱和，于是平方损失关于 logits 的梯度"
              "几乎消失，而交叉熵的梯度 softmax(o) - y 仍然很大"),
    "c": text("always: the squared loss cannot be computed on probabilities",
              "总是：平方损失无法在概率上计算"),
    "d": text("only on a GPU, where it is slower", "只在 GPU 上，因为在那里它更慢"),
})


def check_squared_loss(answer):
    """Check exercise 3: when squared loss is a poor choice (a letter of ``SQUARED_LOSS``)."""
    hints = {
        "a": text("both are smallest at the right answer, but compare how hard each pushes a "
                  "confidently wrong prediction: work out the gradient at softmax(o) near "
                  "(1, 0) for the label 1",
                  "两者都在正确答案处最小，但请比较它们对一个很有把握的错误预测推动得有多用力："
                  "算一算标签为 1、softmax(o) 接近 (1, 0) 时的梯度"),
        "c": text("(y_hat - y)^2 is defined for any numbers; the question is how well it "
                  "trains",
                  "(y_hat - y)^2 对任何数都有定义；问题在于它训练得好不好"),
        "d": text("the cost per example is about the same; the difference is in the gradient",
                  "每个样本的计算开销差不多；区别在梯度"),
    }
    return _choice("check_squared_loss", answer, "b", hints)


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
        got, problem = _attempt(fn, _exported_net(), folder)
        if problem:
            return verdict(name, problem, text("export into folder and read its -symbol.json, "
                                               "then run this cell again",
                                               "导出到 folder 并读取其中的 -symbol.json，"
                                               "然后再运行这个单元格"))
        written = sorted(os.listdir(folder))
        expected = _reference_operators(_exported_net(), ref)
    stray = sorted(set(os.listdir(cwd)) - before)
    for f in stray:
        if f.endswith(("-symbol.json", ".params")):
            (cwd / f).unlink()
    if stray:
        return verdict(name, text(f"it wrote {stray} into the current folder; pass a path "
                                  "inside folder to net.export, e.g. "
                                  "os.path.join(folder, 'softmax')",
                                  f"它把 {stray} 写进了当前文件夹；请给 net.export 传入 folder "
                                  "内的路径，例如 os.path.join(folder, 'softmax')"))
    if not any(f.endswith("-symbol.json") for f in written):
        return verdict(name, text(f"nothing was exported into folder (it holds {written}); "
                                  "call net.export(os.path.join(folder, 'softmax')) after one "
                                  "forward pass of the hybridized net",
                                  f"folder 中没有导出任何东西（其中有 {written}）；请在混合式"
                                  "网络做一次正向传播之后调用 "
                                  "net.export(os.path.join(folder, 'softmax'))"))
    if not isinstance(got, list | tuple) or not all(isinstance(op, str) for op in got):
        return verdict(name, text(f"returned {type(got).__name__}, expected a list of "
                                  "operator names (str)",
                                  f"返回了 {type(got).__name__}，应返回运算符名（str）的列表"))
    if "null" in got:
        return verdict(name, text("'null' nodes are the graph's inputs and parameters (data, "
                                  "weight, bias), not operators; leave them out",
                                  "'null' 节点是计算图的输入和参数（data、weight、bias），"
                                  "不是运算符；请把它们去掉"))
    if sorted(got) != expected:
        return verdict(name, text(f"returned {sorted(got)}, the exported graph has {expected}",
                                  f"返回了 {sorted(got)}，导出的计算图中是 {expected}"))
    return verdict(name, None)
