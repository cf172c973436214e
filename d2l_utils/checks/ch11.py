"""Self-checks for the exercises of chapters/11_training_in_practice.ipynb.

Each prints one verdict line (see ``_common``) and returns True or False.
"""

import os
import stat
import tempfile

from ..language import text
from ._common import _raised
from ._verdict import not_yet, verdict

RESUME_STATE = {"parameters", "optimizer state", "epoch and step", "random state"}
_NOT_NEEDED = {"learning curve plot", "test accuracy", "source code"}


def check_resume_state(answer):
    """Exercise 1: which parts must a checkpoint hold so a resumed run ends bit-identical?

    ``answer``: a set of names from ``RESUME_STATE | {'learning curve plot',
    'test accuracy', 'source code'}``.
    """
    name = "check_resume_state"
    if answer is None:
        return not_yet(name, text("set answer to a set of names, e.g. {'parameters', ...}",
                                  "把 answer 设为名称的集合，例如 {'parameters', ...}"))
    if not isinstance(answer, set | frozenset) or not all(isinstance(a, str) for a in answer):
        return verdict(name, text(f"answer must be a set of strings, got {answer!r}",
                                  f"answer 必须是字符串的集合，得到的是 {answer!r}"))
    unknown = sorted(answer - RESUME_STATE - _NOT_NEEDED)
    if unknown:
        return verdict(name, text(f"unknown names {unknown}; choose from "
                                  f"{sorted(RESUME_STATE | _NOT_NEEDED)}",
                                  f"未知的名称 {unknown}；请从 "
                                  f"{sorted(RESUME_STATE | _NOT_NEEDED)} 中选择"))
    missing, extra = sorted(RESUME_STATE - answer), sorted(answer & _NOT_NEEDED)
    hints = {"parameters": text("without the weights nothing is resumed",
                                "没有权重就什么也恢复不了"),
             "optimizer state": text("momentum and Adam's moments change every later step (a "
                                     "weights-only restore loses them)",
                                     "动量和 Adam 的矩会影响之后的每一步（只恢复权重会丢失它们）"),
             "epoch and step": text("without them the schedule and the epoch count start over",
                                    "没有它们，学习率调度和迭代周期计数会从头开始"),
             "random state": text("the shuffling order and dropout masks of the next epochs "
                                  "come from the generators",
                                  "之后各迭代周期的打乱顺序和丢弃法的掩码都来自随机数生成器")}
    if missing:
        return verdict(name, text(f"{missing[0]!r} is needed: {hints[missing[0]]}",
                                  f"需要 {missing[0]!r}：{hints[missing[0]]}"))
    if extra:
        return verdict(name, text(f"{extra[0]!r} is not needed to continue training exactly",
                                  f"要精确地继续训练，不需要 {extra[0]!r}"))
    return verdict(name, None)


def _attempt(fn, path, write):
    try:
        fn(path, write)
    except Exception as err:  # a student's error is a verdict, not a traceback
        return err
    return None


def check_save_atomically(fn):
    """Exercise 2: ``fn(path, write)`` replaces ``path`` atomically; ``write(p)`` writes a file.

    ``write`` is a saver such as ``net.save_parameters``.  Checked: ``write``
    gets a temporary path in the same folder (so ``os.replace`` is atomic);
    the file ends up with the new content, with normal permissions (not
    mkstemp's 0600); when ``write`` fails half-way (a full disk), ``path``
    keeps its old content, no temporary file is left and the error is raised.
    """
    name = "check_save_atomically"
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "model.params")
        with open(path, "wb") as f:
            f.write(b"old")
        targets = []

        def write(p):
            targets.append(os.fspath(p))
            with open(p, "wb") as f:
                f.write(b"new content")

        err = _attempt(fn, path, write)
        if isinstance(err, NotImplementedError):
            return not_yet(name, text("replace `raise NotImplementedError` with your code",
                                      "把 `raise NotImplementedError` 换成你的代码"))
        if err is not None:
            return verdict(name, _raised(err))
        if len(targets) != 1:
            return verdict(name, text(f"write was called {len(targets)} times, expected once",
                                      f"write 被调用了 {len(targets)} 次，应只调用一次"))
        if os.path.abspath(targets[0]) == path:
            return verdict(name, text("write went straight into the file: a crash then leaves "
                                      "it half-written; write to a temporary file first",
                                      "write 直接写进了目标文件：一旦崩溃，文件就只写了一半；"
                                      "请先写到一个临时文件"))
        if os.path.dirname(os.path.abspath(targets[0])) != folder:
            return verdict(name, text("the temporary file is in another folder: os.replace is "
                                      "atomic only within one file system, so use the same "
                                      "folder",
                                      "临时文件在另一个文件夹里：os.replace 只在同一个文件系统"
                                      "内是原子的，所以请使用同一个文件夹"))
        with open(path, "rb") as f:
            if f.read() != b"new content":
                return verdict(name, text("after the call the file does not hold the new "
                                          "content",
                                          "调用之后文件里不是新内容"))
        mode, umask = stat.S_IMODE(os.stat(path).st_mode), os.umask(0)
        os.umask(umask)
        if mode != 0o666 & ~umask:
            return verdict(name, text(f"the file has permissions {oct(mode)}, expected "
                                      f"{oct(0o666 & ~umask)}: mkstemp creates 0600 files, so "
                                      "chmod the temporary file before the rename",
                                      f"文件权限为 {oct(mode)}，应为 {oct(0o666 & ~umask)}："
                                      "mkstemp 创建的文件是 0600，所以请在重命名之前对临时"
                                      "文件 chmod"))
        if sorted(os.listdir(folder)) != ["model.params"]:
            return verdict(name, text(f"files left in the folder: {sorted(os.listdir(folder))}",
                                      f"文件夹中留下了文件：{sorted(os.listdir(folder))}"))

        def disk_full(p):
            with open(p, "wb") as f:
                f.write(b"half")
            raise OSError(28, "No space left on device (simulated by the check)")

        err = _attempt(fn, path, disk_full)
        with open(path, "rb") as f:
            if f.read() != b"new content":
                return verdict(name, text("a write that failed half-way changed the file: "
                                          "rename the temporary file only after write "
                                          "succeeded",
                                          "写到一半失败的 write 改变了文件：只有在 write 成功"
                                          "之后才重命名临时文件"))
        left = sorted(os.listdir(folder))
        if left != ["model.params"]:
            return verdict(name, text(f"a failed write left {left}: remove the temporary file "
                                      "when anything goes wrong (try/except or finally)",
                                      f"失败的 write 留下了 {left}：出任何问题时都要删除临时"
                                      "文件（try/except 或 finally）"))
        if not isinstance(err, OSError):
            return verdict(name, text("a write that failed (disk full) must raise its "
                                      "OSError, not hide it",
                                      "失败的 write（磁盘已满）必须抛出它的 OSError，"
                                      "而不是把它藏起来"))
    return verdict(name, None)


TF1_FLAWS = {"a", "c", "d"}


def check_tf1_flaws(answer):
    """Exercise 3: which of the TF1 script's habits break a resumed or served model?

    a) it records no step count, so after a restore its loop starts over at 0; b) it saves
    every 100 steps; c) it overwrites one checkpoint, so a crash while
    saving can lose the only copy; d) predict mode loads any checkpoint
    without checking it fits the network; e) it writes TensorBoard summaries.
    """
    name = "check_tf1_flaws"
    if answer is None:
        return not_yet(name, text("set answer to a set of letters, e.g. {'a'}",
                                  "把 answer 设为字母的集合，例如 {'a'}"))
    if not isinstance(answer, set | frozenset) or not answer <= set("abcde"):
        return verdict(name, text(f"answer must be a set of letters from a-e, got {answer!r}",
                                  f"answer 必须是由 a-e 中的字母组成的集合，得到的是 "
                                  f"{answer!r}"))
    why = {"a": text("a) is a flaw: without a global step the resumed run does not continue, "
                     "it trains its 2000 steps again from the saved weights",
                     "a) 是缺陷：没有全局步数，恢复的运行不会接着训练，而是从保存的权重出发"
                     "把 2000 步重新训练一遍"),
           "b": text("b) is fine: how often to save is a trade-off, not a flaw",
                     "b) 没问题：多久保存一次是一种权衡，不是缺陷"),
           "c": text("c) is a flaw: one overwritten file can be half-written when the run dies",
                     "c) 是缺陷：运行中断时，那一个被覆盖的文件可能只写了一半"),
           "d": text("d) is a flaw: a wrong-shaped checkpoint must be an error, not a surprise",
                     "d) 是缺陷：形状不对的检查点必须报错，而不是带来意外"),
           "e": text("e) is fine: logging is what TensorBoard is for",
                     "e) 没问题：TensorBoard 本来就是用来记录日志的")}
    wrong = sorted(answer ^ TF1_FLAWS)
    return verdict(name, None if not wrong else why[wrong[0]])
