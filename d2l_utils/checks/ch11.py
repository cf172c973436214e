"""Self-checks for the exercises of chapters/11_training_in_practice.ipynb.

Each prints one verdict line (see ``_common``) and returns True or False.
"""

import os
import stat
import tempfile

from ._choice import _not_yet
from ._common import _describe, _verdict

RESUME_STATE = {"parameters", "optimizer state", "epoch and step", "random state"}
_NOT_NEEDED = {"learning curve plot", "test accuracy", "source code"}


def check_resume_state(answer):
    """Exercise 1: which parts must a checkpoint hold so a resumed run ends bit-identical?

    ``answer``: a set of names from ``RESUME_STATE | {'learning curve plot',
    'test accuracy', 'source code'}``.
    """
    name = "check_resume_state"
    if answer is None:
        return _not_yet(name, "set answer to a set of names, e.g. {'parameters', ...}")
    if not isinstance(answer, set | frozenset) or not all(isinstance(a, str) for a in answer):
        return _verdict(name, f"answer must be a set of strings, got {answer!r}")
    unknown = sorted(answer - RESUME_STATE - _NOT_NEEDED)
    if unknown:
        return _verdict(name, f"unknown names {unknown}; choose from "
                              f"{sorted(RESUME_STATE | _NOT_NEEDED)}")
    missing, extra = sorted(RESUME_STATE - answer), sorted(answer & _NOT_NEEDED)
    hints = {"parameters": "without the weights nothing is resumed",
             "optimizer state": "momentum and Adam's moments change every later step (a "
                                "weights-only restore loses them)",
             "epoch and step": "without them the schedule and the epoch count start over",
             "random state": "the shuffling order and dropout masks of the next epochs come "
                             "from the generators"}
    if missing:
        return _verdict(name, f"{missing[0]!r} is needed: {hints[missing[0]]}")
    if extra:
        return _verdict(name, f"{extra[0]!r} is not needed to continue training exactly")
    return _verdict(name, None)


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
            return _not_yet(name, "replace `raise NotImplementedError` with your code")
        if err is not None:
            return _verdict(name, f"raised {_describe(err)}")
        if len(targets) != 1:
            return _verdict(name, f"write was called {len(targets)} times, expected once")
        if os.path.abspath(targets[0]) == path:
            return _verdict(name, "write went straight into the file: a crash then leaves it "
                                  "half-written; write to a temporary file first")
        if os.path.dirname(os.path.abspath(targets[0])) != folder:
            return _verdict(name, "the temporary file is in another folder: os.replace is "
                                  "atomic only within one file system, so use the same folder")
        with open(path, "rb") as f:
            if f.read() != b"new content":
                return _verdict(name, "after the call the file does not hold the new content")
        mode, umask = stat.S_IMODE(os.stat(path).st_mode), os.umask(0)
        os.umask(umask)
        if mode != 0o666 & ~umask:
            return _verdict(name, f"the file has permissions {oct(mode)}, expected "
                                  f"{oct(0o666 & ~umask)}: mkstemp creates 0600 files, so "
                                  "chmod the temporary file before the rename")
        if sorted(os.listdir(folder)) != ["model.params"]:
            return _verdict(name, f"files left in the folder: {sorted(os.listdir(folder))}")

        def disk_full(p):
            with open(p, "wb") as f:
                f.write(b"half")
            raise OSError(28, "No space left on device (simulated by the check)")

        err = _attempt(fn, path, disk_full)
        with open(path, "rb") as f:
            if f.read() != b"new content":
                return _verdict(name, "a write that failed half-way changed the file: rename "
                                      "the temporary file only after write succeeded")
        left = sorted(os.listdir(folder))
        if left != ["model.params"]:
            return _verdict(name, f"a failed write left {left}: remove the temporary file "
                                  "when anything goes wrong (try/except or finally)")
        if not isinstance(err, OSError):
            return _verdict(name, "a write that failed (disk full) must raise its OSError, "
                                  "not hide it")
    return _verdict(name, None)


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
        return _not_yet(name, "set answer to a set of letters, e.g. {'a'}")
    if not isinstance(answer, set | frozenset) or not answer <= set("abcde"):
        return _verdict(name, f"answer must be a set of letters from a-e, got {answer!r}")
    why = {"a": "a) is a flaw: without a global step the resumed run does not continue, it "
                "trains its 2000 steps again from the saved weights",
           "b": "b) is fine: how often to save is a trade-off, not a flaw",
           "c": "c) is a flaw: one overwritten file can be half-written when the run dies",
           "d": "d) is a flaw: a wrong-shaped checkpoint must be an error, not a surprise",
           "e": "e) is fine: logging is what TensorBoard is for"}
    wrong = sorted(answer ^ TF1_FLAWS)
    return _verdict(name, None if not wrong else why[wrong[0]])
