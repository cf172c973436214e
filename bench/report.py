"""Pure helpers of the benchmark: summaries, targets, the printed table, the JSON file.

Nothing here times anything, so it is unit-tested (tests/test_bench.py).
"""

import datetime
import json
import os
import platform
import statistics
import tempfile
from pathlib import Path

# Environment variables that change how MXNet, OpenMP and BLAS use the cores.
ENV_VARS = ("OMP_NUM_THREADS", "MXNET_ENGINE_TYPE", "MXNET_CPU_WORKER_NTHREADS",
            "MXNET_OMP_MAX_THREADS", "MXNET_CPU_PRIORITY_NTHREADS", "MXNET_EXEC_BULK_EXEC_TRAIN",
            "MXNET_EXEC_BULK_EXEC_INFERENCE", "MXNET_MKLDNN_ENABLED", "OPENBLAS_NUM_THREADS",
            "MKL_NUM_THREADS", "KMP_AFFINITY", "MXNET_USE_OPERATOR_TUNING")


def schedule(rounds, a_runs, contenders=("a", "b", "c", "mlp")):
    """The run order: one list per round, rotated by the round number.

    (a), the slow contender, runs in only ``a_runs`` of the rounds, spread
    evenly and starting with the first; everything else runs every round.
    """
    if not 1 <= a_runs <= rounds:
        raise ValueError(f"schedule: need 1 <= a_runs <= rounds, got {a_runs}, {rounds}")
    a_rounds = {int(i * rounds / a_runs + 0.5) for i in range(a_runs)}
    order = []
    for r in range(rounds):
        names = [c for c in contenders if c != "a" or r in a_rounds]
        shift = r % len(names)
        order.append(names[shift:] + names[:shift])
    return order


def summarize_runs(runs):
    """One contender's runs -> median seconds per epoch (over every epoch of every run).

    ``runs``: a non-empty list of ``{"seconds": [per-epoch s], "test_acc": float}``.
    Returns a dict: ``epoch_s`` (median), ``epoch_min``/``epoch_max``, ``test_acc``
    (median of the runs' final accuracies), ``runs`` and ``epochs`` (per run).
    """
    if not runs or any(not run["seconds"] for run in runs):
        raise ValueError("summarize_runs: need at least one run with at least one epoch")
    epochs = [s for run in runs for s in run["seconds"]]
    return {"epoch_s": statistics.median(epochs), "epoch_min": min(epochs),
            "epoch_max": max(epochs),
            "test_acc": statistics.median(run["test_acc"] for run in runs),
            "runs": len(runs), "epochs": len(runs[0]["seconds"])}


def spread(values):
    """(max - min) / median of a list of positive numbers: how noisy the repeats were."""
    if not values:
        raise ValueError("spread: no values")
    return (max(values) - min(values)) / statistics.median(values)


def target(name, measured, limit, passed, unit=""):
    """One target line: name, measured value, the limit as text, and whether it passed."""
    return {"name": name, "measured": measured, "limit": limit, "unit": unit,
            "passed": bool(passed)}


def check_targets(data, train, max_softmax_epoch=0.25, max_mlp_epoch=1.0,
                  max_pass=0.05, min_loader_speedup=50.0, min_train_speedup=8.0,
                  max_acc_gap=0.005):
    """The issue's targets, as a list of ``target`` dicts.

    ``data``: ``data_pipeline.measure``'s dict (seconds per pass ``ours``,
    ``gluon_0``, ``gluon_2``...).  ``train``: ``summarize_runs`` dicts under
    ``a``, ``b``, ``c``, ``mlp``.  One loader speedup per Gluon variant
    (``gluon_<workers>``); training speedups are against (a); accuracy gaps are
    absolute differences of test accuracy with (a).
    """
    a, mlp = train["a"], train["mlp"]
    targets = [target("loader pass", data["ours"], f"<= {max_pass} s", data["ours"] <= max_pass,
                      "s")]
    for key in sorted(k for k in data if k.startswith("gluon_")):
        speedup = data[key] / data["ours"]
        targets.append(target(f"loader speedup vs Gluon DataLoader, {key[6:]} workers", speedup,
                              f">= {min_loader_speedup:g}x", speedup >= min_loader_speedup, "x"))
    for key in ("b", "c"):
        speedup = a["epoch_s"] / train[key]["epoch_s"]
        gap = abs(train[key]["test_acc"] - a["test_acc"])
        targets += [
            target(f"({key}) end-to-end speedup vs (a)", speedup, f">= {min_train_speedup:g}x",
                   speedup >= min_train_speedup, "x"),
            target(f"({key}) test accuracy gap to (a)", gap, f"<= {max_acc_gap}",
                   gap <= max_acc_gap),
        ]
    targets += [
        target(f"({k}) softmax epoch", train[k]["epoch_s"], f"<= {max_softmax_epoch} s",
               train[k]["epoch_s"] <= max_softmax_epoch, "s") for k in ("b", "c")]
    targets.append(target("MLP epoch", mlp["epoch_s"], f"<= {max_mlp_epoch} s",
                          mlp["epoch_s"] <= max_mlp_epoch, "s"))
    return targets


def _value(x, unit):
    if unit == "x":
        return f"{x:.1f}x"
    return f"{x:.3f} s" if unit == "s" else f"{x:.4f}"


def format_targets(targets):
    """Lines 'PASS|FAIL  name  measured (limit)'."""
    width = max(len(t["name"]) for t in targets)
    return [f"{'PASS' if t['passed'] else 'FAIL'}  {t['name']:<{width}}  "
            f"{_value(t['measured'], t['unit']):>9}  (target {t['limit']})" for t in targets]


def format_training(train, labels, reference="a"):
    """Table rows: label, median s/epoch, min-max, runs x epochs, (reference)/this, test acc."""
    ref = train[reference]["epoch_s"]
    lines = [f"{'contender':<58}{'s/epoch':>9}{'min-max':>15}{'runs':>7}"
             f"{'(a)/this':>10}{'test acc':>10}"]
    for key, label in labels.items():
        s = train[key]
        span = f"{s['epoch_min']:.3f}-{s['epoch_max']:.3f}"
        lines.append(f"{label:<58}{s['epoch_s']:>9.3f}{span:>15}"
                     f"{str(s['runs']) + 'x' + str(s['epochs']):>7}"
                     f"{ref / s['epoch_s']:>9.1f}x{s['test_acc']:>10.4f}")
    return lines


def summarize_sweep(course, first_edition):
    """Two sweeps over the same configurations -> totals, their ratio and the accuracy gap.

    ``course``, ``first_edition``: lists of ``{"lr", "seconds", "test_acc"}``, one
    per configuration, in the same order.  Returns ``configs``, ``course_s`` and
    ``first_edition_s`` (summed wall time), ``ratio`` (first edition / course, > 1
    means the course is faster) and ``max_acc_gap`` (largest absolute difference
    of a configuration's final test accuracy between the two sides).
    """
    if not course or len(course) != len(first_edition):
        raise ValueError(f"summarize_sweep: need the same non-empty list of configurations on "
                         f"both sides, got {len(course)} and {len(first_edition)} runs")
    for a, b in zip(course, first_edition, strict=True):
        if a["lr"] != b["lr"]:
            raise ValueError(f"summarize_sweep: configurations differ: lr {a['lr']} against "
                             f"{b['lr']}")
    course_s = sum(run["seconds"] for run in course)
    first_s = sum(run["seconds"] for run in first_edition)
    return {"configs": len(course), "course_s": course_s, "first_edition_s": first_s,
            "ratio": first_s / course_s,
            "max_acc_gap": max(abs(a["test_acc"] - b["test_acc"])
                               for a, b in zip(course, first_edition, strict=True))}


def format_sweep(summary, epochs):
    """One line: the sweep's size, both totals, the ratio and the accuracy gap."""
    s = summary
    return (f"sweep of {s['configs']} softmax trainings x {epochs} epochs: course "
            f"{s['course_s']:.1f} s, first edition {s['first_edition_s']:.1f} s -> "
            f"{s['ratio']:.1f}x faster; largest test accuracy gap {s['max_acc_gap']:.4f}")


def compare_rounds(rounds, default_rounds):
    """'+' if every round was faster than every default round, '-' if every one was
    slower, ' ' if the ranges overlap (the difference is within the noise) or
    either side has a single round (no noise to compare with)."""
    if min(len(rounds), len(default_rounds)) < 2:
        return " "
    if max(rounds) < min(default_rounds):
        return "+"
    if min(rounds) > max(default_rounds):
        return "-"
    return " "


def format_settings(settings, contenders):
    """Rows per environment setting: median s/epoch per contender, its ratio to the
    default (> 1 is faster) and ``compare_rounds``' mark.

    ``settings``: {label: {contender: [per-round median s/epoch]}}, the first
    label being the default.
    """
    default = next(iter(settings.values()))
    lines = [f"{'setting':<34}" + "".join(f"{c:>17}" for c in contenders)]
    for label, rows in settings.items():
        cells = []
        for c in contenders:
            m, base = statistics.median(rows[c]), statistics.median(default[c])
            mark = " " if rows is default else compare_rounds(rows[c], default[c])
            cells.append(f"{m:.3f}s ({base / m:.2f}x){mark}")
        lines.append(f"{label:<34}" + "".join(f"{cell:>17}" for cell in cells))
    return lines


def machine_facts(environ=None):
    """Cores, CPU model, versions and the environment variables that matter, as a dict."""
    import mxnet
    import numpy

    environ = os.environ if environ is None else environ
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f
                          if line.startswith("model name")), "")
    except OSError:
        pass
    return {
        "cpu_count": os.cpu_count(),
        "usable_cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
        else os.cpu_count(),
        "cpu_model": model or platform.processor(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "mxnet": mxnet.__version__,
        "numpy": numpy.__version__,
        "env": {name: environ.get(name) for name in ENV_VARS},
        "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }


def write_json(results, directory, now=None):
    """Write ``results`` plus a timestamp to ``directory``/bench-<UTC time>.json; return the path.

    Written to a temporary file in the same folder and renamed, so a crash never
    leaves half a file.
    """
    now = now or datetime.datetime.now(datetime.UTC)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"bench-{now:%Y%m%d-%H%M%S}.json"
    payload = {"timestamp": now.isoformat(timespec="seconds"), **results}
    fd, tmp = tempfile.mkstemp(dir=directory, prefix=".bench-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as f:
            json.dump(payload, f, indent=2, sort_keys=False)
            f.write("\n")
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path
