"""Self-checks for the exercises of chapters/05_hyperparameters.ipynb.

``check_pick_learning_rate`` and ``check_clearly_better`` call the student's
function on small hand-made tables and score lists whose answers are known;
``check_q3`` and ``check_q4`` grade multiple-choice answers.  Each prints one
verdict line (``_verdict``) and returns True or False.
"""

import math

import numpy as np

from ..language import text
from ._choice import _choice
from ._common import _attempt
from ._verdict import verdict


def _report(name, problem):
    return verdict(name, problem, text("the function still raises NotImplementedError; "
                                       "write its body",
                                       "函数仍然抛出 NotImplementedError；请写出它的函数体"))


def _table(lrs, valid, diverged=None):
    # pandas here, not at import: `import d2l_utils` loads every chapter's checks, and
    # pandas would add 0.2 s to it for the two checks that build a table.
    import pandas as pd
    diverged = diverged or [False] * len(lrs)
    return pd.DataFrame({"lr": lrs, "train_loss": [math.nan if d else 0.5 for d in diverged],
                         "valid_acc": valid, "diverged": diverged})


# The learning rate to choose: the smallest rate within ``margin`` of the best
# validation accuracy among the runs that did not diverge.
def _lr_cases():
    return [
        (_table([0.01, 0.1, 0.3, 1.0], [0.74, 0.826, 0.838, 0.1], [False, False, False, True]),
         0.02, 0.1, text("two rates within the margin: take the smaller, safer one",
                         "有两个学习率在 margin 之内：取较小、较稳妥的那个")),
        (_table([0.01, 0.1, 0.3, 1.0], [0.74, 0.80, 0.838, 0.1], [False, False, False, True]),
         0.02, 0.3, text("only one rate within the margin", "只有一个学习率在 margin 之内")),
        (_table([0.1, 0.3, 1.0], [0.80, 0.83, 0.95], [False, False, True]),
         0.02, 0.3, text("a diverged run never counts, whatever its accuracy says",
                         "发散的运行永远不算数，不管它的准确率是多少")),
        (_table([3.0, 0.03, 0.3], [0.82, 0.79, 0.825]),
         0.01, 0.3, text("rows in any order", "行可以是任意顺序")),
    ]


def check_pick_learning_rate(fn):
    """``fn(results, margin)``: the smallest lr within ``margin`` of the best non-diverged
    ``valid_acc`` in a sweep table (columns ``lr``, ``valid_acc``, ``diverged``)."""
    name = "check_pick_learning_rate"
    for table, margin, expected, why in _lr_cases():
        got, problem = _attempt(fn, table.copy(), margin)
        if problem:
            return _report(name, problem)
        try:
            ok = math.isclose(float(got), expected)
        except (TypeError, ValueError):
            return verdict(name, text(f"returned {got!r}; return one learning rate (a number)",
                                      f"返回了 {got!r}；请返回一个学习率（一个数）"))
        if not ok:
            diverged = text(" diverged", " 发散")
            rows = ", ".join(f"lr {r.lr:g}: {r.valid_acc:.3f}{diverged if r.diverged else ''}"
                             for r in table.itertuples())
            return verdict(name, text(f"for [{rows}] with margin {margin} you chose {got!r}, "
                                      f"expected {expected:g} ({why})",
                                      f"对 [{rows}]、margin 为 {margin}，你选择了 {got!r}，"
                                      f"应为 {expected:g}（{why}）"))
    return verdict(name, None)


def _better_cases():
    return [
        ([0.84, 0.842, 0.839], [0.83, 0.832, 0.829], True,
         text("every score of a beats every one of b", "a 的每个分数都高于 b 的每个分数")),
        ([0.84, 0.842, 0.831], [0.83, 0.832, 0.829], False,
         text("the ranges overlap (0.831 < 0.832): the difference is within the seed noise",
              "两个范围有重叠（0.831 < 0.832）：差异在随机种子的噪声之内")),
        ([0.83, 0.832, 0.829], [0.84, 0.842, 0.839], False,
         text("a is worse, not better", "a 更差，而不是更好")),
        ([0.835], [0.834], False,
         text("one run each tells nothing about the noise; need 2+ each",
              "各运行一次无法说明噪声的大小；每个至少需要 2 次")),
        ([0.835, 0.836], [0.83, 0.831, 0.829, 0.83], True,
         text("lists of different lengths", "长度不同的列表")),
    ]


def check_clearly_better(fn):
    """``fn(a, b)``: True only if every score of ``a`` beats every score of ``b`` and both
    have at least two seeds."""
    name = "check_clearly_better"
    for a, b, expected, why in _better_cases():
        got, problem = _attempt(fn, list(a), list(b))
        if problem:
            return _report(name, problem)
        # np.min(a) > np.max(b) gives numpy.bool_, as correct as Python's bool
        if not isinstance(got, bool | np.bool_):
            return verdict(name, text(f"returned {got!r}; return True or False",
                                      f"返回了 {got!r}；请返回 True 或 False"))
        if bool(got) != expected:
            return verdict(name, text(f"clearly_better({a}, {b}) returned {got}, expected "
                                      f"{expected}: {why}",
                                      f"clearly_better({a}, {b}) 返回了 {got}，应为 "
                                      f"{expected}：{why}"))
    return verdict(name, None)


def check_q3(answer):
    """Exercise 3: why is the winning configuration's validation score optimistic?"""
    return _choice("check_q3", answer, "b", {
        "a": text("the validation images are as hard as any others (the split is random and "
                  "stratified); the bias comes from how the score was chosen",
                  "验证图像和其他图像一样难（划分是随机且分层的）；偏差来自分数被挑选的方式"),
        "c": text("more epochs change the model, not whether its score is biased; the score "
                  "of a fixed model on unseen data is unbiased",
                  "更多的迭代周期改变的是模型，而不是它的分数有没有偏差；一个固定的模型在"
                  "没见过的数据上的分数是无偏的"),
        "d": text("the validation set is never trained on here; the winner was selected by "
                  "it, which is a weaker but real form of fitting it",
                  "这里从没有在验证数据集上训练；但胜出者是靠它选出来的，这是一种较弱但"
                  "真实存在的对它的拟合"),
    })


def check_q4(answer):
    """Exercise 4: what does lr 10 do with Gluon's stable loss?"""
    return _choice("check_q4", answer, "b", {
        "a": text("SoftmaxCrossEntropyLoss works on logits with the LogSumExp trick, so "
                  "nothing overflows: train it and look at the loss",
                  "SoftmaxCrossEntropyLoss 用 LogSumExp 技巧在 logits 上计算，所以不会"
                  "上溢：训练一下，看看损失"),
        "c": text("a rate 100 times larger does change training: compare the printed loss "
                  "with lr 0.1's",
                  "大 100 倍的学习率确实会改变训练：把打印出的损失与 lr 0.1 的比较一下"),
    })
