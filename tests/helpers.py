"""Helpers shared by the test modules; the fixtures are in conftest.py.

A test module imports them with ``from helpers import ...`` (pytest puts tests/ on
sys.path for conftest.py), never from another test module.  Sections: missing
prerequisites, IDX data files, the airfoil file, small training problems, command-line
runs, import cost, grading, and the book programs' printed numbers.
"""

import dataclasses
import errno
import gzip
import hashlib
import os
import re
import struct
import subprocess
import sys
from pathlib import Path

import mxnet as mx
import numpy as np
import pytest
from mxnet import gluon, init, nd
from mxnet.gluon import loss as gloss
from mxnet.gluon import nn

import d2l_utils as d2l
from d2l_utils import airfoil
from d2l_utils.checkpoints import Checkpoint
from d2l_utils.data import DataIter, sources
from d2l_utils.training import History, TrainState

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS_DIR = ROOT / "chapters"


# ----------------------------------------------------------------------------- prerequisites
def skip_or_fail(reason, tests="real-data tests"):
    """Skip with ``reason``, except under CI=true, where a missing prerequisite is a failure."""
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} (CI=true: {tests} must not be skipped)", pytrace=False)
    pytest.skip(reason)


# ----------------------------------------------------------------------------- IDX files
TINY_TRAIN, TINY_TEST = 50, 20


def idx_bytes(array, code=0x08):
    """The IDX encoding of ``array`` (header + big-endian items)."""
    dtype = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}[code]
    array = np.asarray(array)
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(dtype).tobytes()

def write_file(path, content, compress=None):
    """Write bytes to ``path``, gzipped if it ends in .gz (or ``compress``); return the path."""
    compress = str(path).endswith(".gz") if compress is None else compress
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(content, mtime=0) if compress else content)
    return path

def gzip_of_zeros(path, header, count, member=1 << 24):
    """Write a .gz of ``header`` followed by ``count`` zero bytes; return the path.

    The zeros are written as repeated gzip members of ``member`` bytes each (a
    valid multi-member gzip, as ``gzip.decompress`` reads it), so 1.5e9 zeros
    take 1.4 MB on disk and a fraction of a second to write.
    """
    block = gzip.compress(bytes(member), compresslevel=9, mtime=0)
    full, rest = divmod(count, member)
    with open(path, "wb") as f:
        f.write(gzip.compress(header, mtime=0))
        for _ in range(full):
            f.write(block)
        if rest:
            f.write(gzip.compress(bytes(rest), mtime=0))
    return path

def tiny_arrays(seed=0):
    """(train_images, train_labels, test_images, test_labels), uint8, every class present."""
    rng = np.random.default_rng(seed)
    out = []
    for n in (TINY_TRAIN, TINY_TEST):
        out.append(rng.integers(0, 256, size=(n, 28, 28), dtype=np.uint8))
        out.append(rng.permutation(np.arange(n) % 10).astype(np.uint8))
    return tuple(out)

def write_tiny(folder, spec, arrays, compress=True):
    """Write the four files of ``arrays`` into ``folder`` under ``spec``'s names."""
    ext = ".gz" if compress else ""
    return [write_file(folder / (f.name + ext), idx_bytes(a))
            for f, a in zip(spec.files, arrays, strict=True)]

def tiny_spec(base, arrays, folder_for_md5=None, system_dirs=()):
    """``base`` (FASHION_MNIST or MNIST) with the sizes and hashes of ``arrays``.

    Fashion-style specs get SHA-256 of the decompressed content; MNIST-style ones
    (base has no SHA-256) get the MD5 of the .gz files in ``folder_for_md5``.
    """
    files = []
    for f, a in zip(base.files, arrays, strict=True):
        content = idx_bytes(a)
        if f.sha256 is not None:
            sha = hashlib.sha256(content).hexdigest()
            files.append(sources.FileSpec(f.name, len(content), sha))
        else:
            gz = (folder_for_md5 / (f.name + ".gz")).read_bytes()
            files.append(sources.FileSpec(f.name, len(content), gz_md5=hashlib.md5(gz).hexdigest()))
    return dataclasses.replace(base, files=tuple(files), mirrors=(),
                               system_dirs=tuple(map(str, system_dirs)))


def fails_at_close(real_fdopen=os.fdopen):
    """An ``os.fdopen`` whose files write fine but report a full disk when closed."""

    class FailsAtClose:
        def __init__(self, fd, mode):
            self.f = real_fdopen(fd, mode)
            self.write, self.flush, self.fileno = self.f.write, self.f.flush, self.f.fileno

        def close(self):
            self.f.close()
            raise OSError(errno.ENOSPC, "No space left on device")

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.close()

    return FailsAtClose


# ----------------------------------------------------------------------------- airfoil file
# The real data's values: 1/3-octave centre frequencies (Hz), chords (m), speeds (m/s).
FREQUENCIES = [200, 250, 315, 400, 500, 630, 800, 1000, 1250, 1600, 2000, 2500, 3150, 4000,
               5000, 6300, 8000, 10000, 12500, 16000, 20000]
CHORDS = [0.0254, 0.0508, 0.1016, 0.1524, 0.2286, 0.3048]
SPEEDS = [31.7, 39.6, 55.5, 71.3]


def synthetic_airfoil(seed=0):
    """A (1503, 6) array in airfoil_self_noise.dat's format and ranges, NOT the real data.

    Features are drawn from the real columns' values and ranges; the sound
    level is a linear function of them plus noise (so a linear model can fit
    it, as it roughly can the real one), kept in the real [103, 141] dB.
    """
    rng = np.random.default_rng(seed)
    n = airfoil.NUM_ROWS
    data = np.column_stack([
        rng.choice(FREQUENCIES, n), rng.uniform(0, 22.2, n), rng.choice(CHORDS, n),
        rng.choice(SPEEDS, n), rng.uniform(0.0004, 0.0584, n)])
    z = (data - data.mean(axis=0)) / data.std(axis=0)
    level = 125 + z @ np.array([-4.0, -1.5, -2.5, 1.5, -2.0]) + rng.normal(0, 2.0, n)
    return np.column_stack([data, np.clip(level, 103.4, 140.9)])

def write_airfoil(path, data):
    """Write ``data`` as the real file is written: tab-separated, one row per line."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join("\t".join(f"{v:g}" for v in row) + "\n" for row in data))
    return path


# ----------------------------------------------------------------------------- training problems
# A separable problem for train_ch3 (tests/test_training*.py, test_tuning.py).
def separable(n=640, d=10, k=4, seed=0, margin=1.0):
    """Points labelled by a random linear map, with a margin: (X (n, d), y (n,)) numpy."""
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(d, k))
    X = rng.normal(size=(3 * n, d)).astype(np.float32)
    scores = np.sort(X @ W, axis=1)
    X = X[scores[:, -1] - scores[:, -2] > margin][:n]
    return X, (X @ W).argmax(axis=1)

def batches(X, y, batch_size, ctx=None, label_dtype="int32"):
    ctx = ctx or mx.cpu()
    return [(nd.array(X[i:i + batch_size], ctx=ctx),
             nd.array(y[i:i + batch_size], ctx=ctx, dtype=label_dtype))
            for i in range(0, len(X), batch_size)]

def scratch_model(d=10, k=4, ctx=None, seed=0):
    d2l.set_seed(seed)
    W = nd.random.normal(scale=0.01, shape=(d, k), ctx=ctx or mx.cpu())
    b = nd.zeros(k, ctx=ctx or mx.cpu())
    W.attach_grad()
    b.attach_grad()

    def net(X):
        X_exp = (nd.dot(X.reshape((-1, d)), W) + b).exp()
        return X_exp / X_exp.sum(axis=1, keepdims=True)
    return net, [W, b]

def cross_entropy(y_hat, y):
    return -nd.pick(y_hat, y).log()

def gluon_model(k=4, lr=0.5, hybridize=True, ctx=None):
    net = nn.HybridSequential()
    net.add(nn.Dense(k))
    net.initialize(init.Normal(sigma=0.01), ctx=ctx)
    if hybridize:
        net.hybridize()
    return net, gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": lr})


# A small MLP with dropout and Adam, trained with checkpoints (tests/test_checkpoints*.py,
# test_regularization.py, test_monitoring.py).
def data(n=240, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 1, 4, 4)).astype(np.float32)
    y = (X.reshape(n, -1)[:, :3].argmax(axis=1)).astype(np.float32)
    return DataIter(nd.array(X), y, 32, shuffle=True), DataIter(nd.array(X[:64]), y[:64], 32)

def mlp(hidden=8, dropout=0.3):
    d2l.set_seed(1)
    net = nn.HybridSequential()
    net.add(nn.Dense(hidden, activation="relu"), nn.Dropout(dropout), nn.Dense(3))
    net.initialize(init.Xavier())
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.01})
    return net, trainer

def train(folder, num_epochs, callbacks=None, hidden=8):
    d2l.set_seed(7)
    train_iter, valid_iter = data()
    net, trainer = mlp(hidden)
    cbs = [Checkpoint(folder, keep=2, seed=0)] if callbacks is None else callbacks
    history = d2l.train_ch3(net, train_iter, None, gloss.SoftmaxCrossEntropyLoss(), num_epochs,
                            32, trainer=trainer, valid_iter=valid_iter, callbacks=cbs,
                            verbose=False, plot=False)
    return net, trainer, history

def fake_state(net, trainer, valid_acc):
    history = History(train_loss=[0.5] * len(valid_acc), train_acc=[0.5] * len(valid_acc),
                      valid_acc=list(valid_acc))
    return TrainState(net, None, trainer, history, num_epochs=99, epoch=len(valid_acc),
                      step=10 * len(valid_acc))


# ----------------------------------------------------------------------------- command-line runs
# `python -m d2l_utils.run train` in a child process (tests/test_run_kill.py, test_run_faults.py).
QUICK = ["--train-limit", 1200, "--valid-size", 200, "--hidden", 16, "--batch-size", 100,
         "--optimizer", "adam", "--lr", 0.01, "--keep", 1, "--no-progress"]
EPOCHS = 4


def command(folder, *extra):
    return [sys.executable, "-m", "d2l_utils.run", "train", "--run-dir", str(folder),
            "--epochs", str(EPOCHS), *map(str, QUICK), *map(str, extra)]

def environment(**extra):
    env = {k: v for k, v in os.environ.items() if k != "D2L_FAULT"}
    return dict(env, PYTHONPATH=str(ROOT), **extra)

# The run as a terminal's foreground job starts it: Ctrl-C (SIGINT) raises KeyboardInterrupt,
# even when this test process inherited SIGINT ignored (a CI job started in the background
# by a shell without job control), which a child would otherwise inherit too.
FOREGROUND = ("import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
              "runpy.run_module('d2l_utils.run', run_name='__main__', alter_sys=True)")


def stopped_at(fault, folder, *extra, stdout=subprocess.DEVNULL):
    """A training process, stopped by the fault point ``fault`` (name@epoch) in it."""
    err = open(folder.parent / f"{folder.name}-{fault}.err", "w+")  # noqa: SIM115 (the child's)
    argv = [sys.executable, "-c", FOREGROUND, *command(folder, *extra)[3:]]
    child = subprocess.Popen(argv, env=environment(D2L_FAULT=fault),
                             stdout=stdout, stderr=err, text=True)
    child.stderr_file = err
    _, status = os.waitpid(child.pid, os.WUNTRACED)
    if not os.WIFSTOPPED(status):
        err.seek(0)
        pytest.fail(f"the run ended before fault point {fault}: {err.read()[-500:]}")
    return child


# ----------------------------------------------------------------------------- import cost
def modules_loaded_by(statement):
    """The names in sys.modules after ``statement`` runs in a fresh interpreter.

    A fresh one: the test process has imported everything already.  Used to check that
    ``import d2l_utils`` and the command line leave heavy libraries (pandas, pyplot) to
    the functions that need them (tests/test_init.py, test_run.py).
    """
    code = f"import sys\n{statement}\nprint('\\n'.join(sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=environment(), check=False, timeout=300)
    assert out.returncode == 0, out.stderr
    return set(out.stdout.split())


# ----------------------------------------------------------------------------- grading
# A course built from chapters, and submissions (tests/test_grading*.py).  nbformat and
# grading are imported when used: they take seconds to import on a busy machine.
def build_course(course_dir, chapters, **limits):
    """Write the config and build each chapter; returns {key: Chapter}."""
    from grading import assignments, course

    course.write_config(course_dir, **limits)
    return {ch.key: ch for ch in (assignments.build(course_dir, p) for p in chapters)}


def notebook(course_dir, kind, chapter):
    """The source or release notebook of a built chapter."""
    import nbformat

    from grading import assignments

    path = course_dir / kind / chapter.key / (chapter.path.stem + assignments.NOTEBOOK_SUFFIX)
    return nbformat.read(path, as_version=4)


def with_answer(nb, n, edit):
    """A copy of ``nb`` whose exercise ``n`` answer cell source is ``edit(source)``."""
    import nbformat

    nb = nbformat.from_dict(nb)
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == f"exercise-{n}":
            cell.source = edit(cell.source)
            return nb
    raise KeyError(f"no exercise-{n} answer cell")


def replaced(old, new):
    def edit(source):
        assert old in source, (old, source)
        return source.replace(old, new)
    return edit


def write(nb, path):
    import nbformat

    nbformat.write(nb, path)
    return path


# ----------------------------------------------------------------------------- book programs
def printed(out, pattern):
    """Every match of ``pattern`` (a regex with one float group) in ``out``, as floats:
    numbers read from what the book's code printed (tests/book/)."""
    return [float(m) for m in re.findall(pattern, out)]
