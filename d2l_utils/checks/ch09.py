"""Self-checks for the exercises of chapters/09_regularization.ipynb.

Each prints one verdict line (see ``_common``) and returns True or False.
"""

import contextlib
import io

from ..language import text
from ..regularization import EarlyStopping
from ..training import History, TrainState
from ._choice import _choice
from ._common import _attempt
from ._verdict import not_yet, verdict


def _packaged_stop(valid_accs, patience, min_delta):
    """(best, stop) as indices, from ``d2l.EarlyStopping`` fed one check per epoch."""
    stopper = EarlyStopping(patience=patience, min_delta=min_delta)
    state = TrainState(None, [], None, History(), len(valid_accs))
    stopper.on_train_begin(state)
    with contextlib.redirect_stdout(io.StringIO()):  # it prints one line when it stops
        for epoch, acc in enumerate(valid_accs, start=1):
            state.epoch = epoch
            state.history.valid_acc.append(acc)
            stopper.on_epoch_end(state)
            if state.stop:
                break
    return stopper.best_epoch - 1, state.epoch - 1


# (valid accuracies, patience, min_delta): noisy plateaus where the threshold matters.
_STOP_CASES = [
    ([0.70, 0.75, 0.74, 0.76, 0.75, 0.76, 0.80], 2, 0.0),
    ([0.70, 0.75, 0.755, 0.752, 0.758, 0.75, 0.74, 0.79], 3, 0.01),
    ([0.60, 0.65, 0.70, 0.72, 0.73], 2, 0.015),
    ([0.80, 0.80, 0.80, 0.79], 3, 0.0),
    ([0.50, 0.62, 0.61, 0.64, 0.66, 0.70], 2, 0.03),
]


def check_early_stopping(fn):
    """Exercise 1: ``fn(valid_accs, patience, min_delta)`` returns ``(best, stop)``.

    ``best``: the index of the check whose parameters are kept; ``stop``: the
    index of the check training ends after (the last one if it never stops).
    A check is better only if it beats the best so far by more than
    ``min_delta``.  Compared with ``d2l.EarlyStopping`` on noisy sequences.
    """
    name = "check_early_stopping"
    for accs, patience, min_delta in _STOP_CASES:
        want = _packaged_stop(accs, patience, min_delta)
        got, problem = _attempt(fn, list(accs), patience, min_delta)
        if problem:
            return verdict(name, problem, text("write early_stopping's loop, with "
                                               "best + min_delta",
                                               "写出 early_stopping 的循环，"
                                               "用上 best + min_delta"))
        try:
            got = tuple(int(i) for i in got)
        except (TypeError, ValueError):
            got = None
        if got is None or len(got) != 2:
            return verdict(name, text("return two indices, (best, stop)",
                                      "请返回两个下标 (best, stop)"))
        if got != want:
            ignored = _packaged_stop(accs, patience, 0.0)
            hint = (text(" (that is what min_delta = 0 gives: a check must beat the best by "
                         "MORE than min_delta)",
                         "（这是 min_delta = 0 时的结果：一次检查必须比最好的结果高出"
                         "“超过” min_delta 才算更好）")
                    if min_delta and got == ignored else "")
            return verdict(name, text(f"for {accs} with patience={patience}, "
                                      f"min_delta={min_delta}: got (best, stop) = {got}, "
                                      f"expected {want}{hint}",
                                      f"对 {accs}、patience={patience}、"
                                      f"min_delta={min_delta}：得到 (best, stop) = {got}，"
                                      f"应为 {want}{hint}"))
    return verdict(name, None)


def _diagnoses():
    return {
        "a": ("high variance",
              text("training 0.99 and validation 0.81: a large gap is overfitting",
                   "训练 0.99、验证 0.81：差距很大，是过拟合")),
        "b": ("high bias",
              text("training 0.72 and validation 0.71: it cannot fit even the training data",
                   "训练 0.72、验证 0.71：它连训练数据都拟合不了")),
        "c": ("fine",
              text("training 0.90 and validation 0.89: a small gap at a good accuracy",
                   "训练 0.90、验证 0.89：准确率不错，差距很小")),
    }


def check_diagnosis(answer):
    """Exercise 2: ``answer`` maps 'a', 'b', 'c' to 'high bias', 'high variance' or 'fine'.

    a) train 0.99, valid 0.81; b) train 0.72, valid 0.71; c) train 0.90, valid 0.89.
    """
    name = "check_diagnosis"
    if answer is None:
        return not_yet(name, text("set answer to a dict such as {'a': 'high bias', ...}",
                                  "把 answer 设为一个字典，例如 {'a': 'high bias', ...}"))
    diagnoses = _diagnoses()
    if not isinstance(answer, dict) or set(answer) != set(diagnoses):
        return verdict(name, text(f"answer must be a dict with keys 'a', 'b', 'c', got "
                                  f"{answer!r}",
                                  f"answer 必须是键为 'a'、'b'、'c' 的字典，得到的是 "
                                  f"{answer!r}"))
    for key, (want, why) in diagnoses.items():
        if answer[key] != want:
            return verdict(name, text(f"{key}) is {want!r}: {why}", f"{key}) 是 {want!r}：{why}"))
    return verdict(name, None)


_FLIPS = {"clothing": {"left-right"}, "digits": set()}


def check_flips(answer):
    """Exercise 3: which flips keep the label? ``answer`` maps 'clothing' and 'digits' to a
    set of flips from {'left-right', 'up-down'}.
    """
    name = "check_flips"
    if answer is None:
        return not_yet(name, text("set answer to {'clothing': {...}, 'digits': {...}}",
                                  "把 answer 设为 {'clothing': {...}, 'digits': {...}}"))
    if not isinstance(answer, dict) or set(answer) != set(_FLIPS) or not all(
            isinstance(v, set) and v <= {"left-right", "up-down"} for v in answer.values()):
        return verdict(name, text("answer must map 'clothing' and 'digits' to sets of "
                                  "'left-right' / 'up-down'",
                                  "answer 必须把 'clothing' 和 'digits' 分别映射到由 "
                                  "'left-right' / 'up-down' 组成的集合"))
    if "up-down" in answer["clothing"]:
        return verdict(name, text("an upside-down shirt is not how shirts appear in the data: "
                                  "up-down flips make images of a kind the model never meets",
                                  "数据中的衬衫不会倒过来：上下翻转会产生模型永远见不到的"
                                  "那类图像"))
    if "left-right" not in answer["clothing"]:
        return verdict(name, text("a mirrored shirt, shoe or bag is still a shirt, shoe or "
                                  "bag: left-right flips are safe for clothing",
                                  "镜像后的衬衫、鞋或包仍然是衬衫、鞋或包：左右翻转对服装"
                                  "是安全的"))
    if answer["digits"]:
        return verdict(name, text("a mirrored or upside-down digit is another symbol (or "
                                  "another digit: 6 and 9); no flip is safe for digits",
                                  "镜像或倒置的数字是另一个符号（或另一个数字：6 和 9）；"
                                  "对数字来说没有安全的翻转"))
    return verdict(name, None)


def check_best_lambda(answer):
    """Exercise 4: which λ of the chapter's sweep to pick, where no λ > 0 reaches the mean
    validation accuracy of the seeds without decay: (c) none is shown better than 0.
    """
    return _choice("check_best_lambda", answer, "c", {
        "a": text("the smallest gap is not the goal: validation accuracy is, and decay bought "
                  "none here; the gap shrank because training accuracy fell",
                  "目标不是最小的差距，而是验证准确率，而权重衰减在这里没有带来任何提升；"
                  "差距变小是因为训练准确率下降了"),
        "b": text("the highest validation accuracy of one seed per λ differs from the others "
                  "by less than the seed spread: picking it picks noise (chapter 05)",
                  "每个 λ 只用一个随机种子时，最高的验证准确率与其他的差距小于随机种子的"
                  "波动范围：选它就是在选噪声（第 05 章）"),
    })
