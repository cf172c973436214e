"""How fast the course reads Fashion-MNIST, against the standard Gluon pipeline.

Contenders, all over the SAME local files (found as the course finds them):

* ours: ``d2l_utils.load_data_fashion_mnist`` (decoded once, float32 in memory,
  one ``nd.take`` per batch);
* Gluon: ``gluon.data.vision.FashionMNIST`` + ``transforms.ToTensor()`` +
  ``gluon.data.DataLoader`` with num_workers=0 and 2.  Gluon's own ``_get_data``
  checks the SHA-1 of the .gz files, which fails on recompressed copies such as
  Debian's (and then tries to download), so ``ArrayFashionMNIST`` sets
  ``_data``/``_label`` from our decoded arrays: exactly what Gluon's
  ``_get_data`` produces (nd uint8 (N, 28, 28, 1), int32 labels).

A pass is one epoch of the training set at batch size 256, shuffled, ending with
``nd.waitall()`` so every batch is really computed.  Contenders alternate
within each repeat; medians are reported (and the best pass: the machine may
be shared).  Also measured: decoding both
splits (read, decompress, verify, parse), and the peak RSS of import + load +
one pass in a fresh subprocess (VmHWM; ru_maxrss is also shown, but a child
forked from a big parent starts with the parent's high-water mark).

Run ``python bench/data_pipeline.py`` (about a minute on 2 cores), or import
``measure`` and ``format_table``.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from mxnet import gluon, nd
from mxnet.gluon.data.vision import transforms

from d2l_utils.data import find_dataset, load_data_fashion_mnist
from d2l_utils.data.sources import read_split

BATCH_SIZE = 256


class ArrayFashionMNIST(gluon.data.vision.FashionMNIST):
    """Gluon's FashionMNIST with the arrays it would decode itself, given directly.

    ``root`` is an existing folder that nothing is written to: Gluon's default,
    ~/.mxnet/datasets/fashion-mnist, would be created just by constructing it.
    """

    def __init__(self, images, labels, train=True):
        self._given = images, labels
        super().__init__(root=tempfile.gettempdir(), train=train)

    def _get_data(self):
        images, labels = self._given
        self._data = nd.array(images[..., None], dtype=np.uint8)  # (N, 28, 28, 1)
        self._label = labels.astype(np.int32)


def gluon_loader(images, labels, batch_size=BATCH_SIZE, num_workers=0, shuffle=True):
    """The book's pipeline: FashionMNIST + ToTensor + DataLoader."""
    dataset = ArrayFashionMNIST(images, labels).transform_first(transforms.ToTensor())
    return gluon.data.DataLoader(dataset, batch_size, shuffle=shuffle, num_workers=num_workers)


def one_pass(batches):
    """Seconds for one full pass over ``batches``, every batch materialised."""
    start = time.perf_counter()
    n = 0
    for X, _ in batches:
        n += X.shape[0]
    nd.waitall()
    elapsed = time.perf_counter() - start
    assert n == 60000, n
    return elapsed


def decode_seconds(location):
    """Seconds to read, decompress, verify and parse both splits (warm process)."""
    start = time.perf_counter()
    read_split(location, "train")
    read_split(location, "test")
    return time.perf_counter() - start


# A fresh interpreter, as a student's notebook kernel: import, decode or load, one pass.
_CHILD = """
import json, resource, sys, time
def peak_mb():  # VmHWM: this process's own peak (ru_maxrss also counts the parent at fork)
    try:
        with open("/proc/self/status") as f:
            return next(int(l.split()[1]) for l in f if l.startswith("VmHWM")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
t0 = time.perf_counter()
from mxnet import nd
import d2l_utils
from d2l_utils.data import find_dataset, sources
out = {"import_s": time.perf_counter() - t0}
if sys.argv[1] == "decode":
    t0 = time.perf_counter()
    location = find_dataset(verify=False)
    sources.read_split(location, "train"), sources.read_split(location, "test")
    out["decode_s"] = time.perf_counter() - t0
else:
    t0 = time.perf_counter()
    train, test = d2l_utils.load_data_fashion_mnist(256)
    out["load_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for X, y in train:
        pass
    nd.waitall()
    out["first_pass_s"] = time.perf_counter() - t0
    out["peak_rss_mb"] = peak_mb()
    out["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def fresh_process(what):
    """Run ``_CHILD`` in a new interpreter: what='decode' or 'load'; returns its numbers."""
    out = subprocess.run([sys.executable, "-c", _CHILD, what], capture_output=True, text=True,
                         check=True, env=dict(os.environ, PYTHONWARNINGS="ignore"))
    return json.loads(out.stdout.splitlines()[-1])


def measure(repeats=5, cold_repeats=3, workers=(0, 2)):
    """Medians of every contender; returns a dict of seconds and MB.

    Keys: ``ours``, ``gluon_<workers>`` (one pass, s), ``decode_warm_s``, the
    fresh-process ``import_s``, ``decode_s``, ``load_s``, ``first_pass_s``,
    ``peak_rss_mb``, ``ru_maxrss_mb``; ``best`` maps the in-process keys to
    their minimum; ``source``, ``repeats``, ``cold_repeats``.

    Fresh-process numbers come first, while this process is still small.
    """
    cold = [fresh_process(what) for _ in range(cold_repeats) for what in ("decode", "load")]
    results = {key: statistics.median(c[key] for c in cold if key in c)
               for key in ("import_s", "decode_s", "load_s", "first_pass_s", "peak_rss_mb",
                           "ru_maxrss_mb")}
    location = find_dataset("fashion-mnist", verify=False)
    X_train, y_train = read_split(location, "train")
    ours, _ = load_data_fashion_mnist(BATCH_SIZE, seed=0)
    contenders = {"ours": ours}
    contenders.update({f"gluon_{w}": gluon_loader(X_train, y_train, num_workers=w)
                       for w in workers})
    times = {name: [] for name in contenders}
    times["decode_warm_s"] = []
    for _ in range(repeats):
        for name, batches in contenders.items():
            times[name].append(one_pass(batches))
        times["decode_warm_s"].append(decode_seconds(location))
    results.update({name: statistics.median(t) for name, t in times.items()})
    results["best"] = {name: min(t) for name, t in times.items()}
    results.update(source=f"{location.kind}: {location.folder}", repeats=repeats,
                   cold_repeats=cold_repeats)
    return results


def format_table(results):
    """A small text table of ``measure``'s results."""
    ours = results["ours"]
    lines = [f"Fashion-MNIST, one pass over the 60000 training images at batch {BATCH_SIZE}, "
             f"median of {results['repeats']} (data: {results['source']})",
             f"{'pipeline':<46}{'one pass':>10}{'vs ours':>9}{'best':>10}"]
    for key in [k for k in results if k == "ours" or k.startswith("gluon_")]:
        label = ("d2l_utils.load_data_fashion_mnist" if key == "ours"
                 else f"gluon FashionMNIST+ToTensor+DataLoader, {key[6:]} wk")
        lines.append(f"{label:<46}{results[key]:>8.3f} s{results[key] / ours:>8.1f}x"
                     f"{results['best'][key]:>8.3f} s")
    lines += [
        f"fresh process, median of {results['cold_repeats']}: import d2l_utils "
        f"{results['import_s']:.2f} s, decode both splits {results['decode_s']:.2f} s "
        f"(warm: {results['decode_warm_s']:.2f} s)",
        f"  load_data_fashion_mnist {results['load_s']:.2f} s, first pass "
        f"{results['first_pass_s']:.3f} s, peak RSS {results['peak_rss_mb']:.0f} MB "
        f"(ru_maxrss {results['ru_maxrss_mb']:.0f} MB)"]
    return "\n".join(lines)


if __name__ == "__main__":
    start = time.perf_counter()
    print(format_table(measure()))
    print(f"(benchmark took {time.perf_counter() - start:.0f} s)")
