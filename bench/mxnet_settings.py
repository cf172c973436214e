"""Which MXNet settings help on few cores: each one measured in a fresh subprocess.

MXNet reads ``MXNET_ENGINE_TYPE``, ``OMP_NUM_THREADS`` and
``MXNET_CPU_WORKER_NTHREADS`` once, at import, so each setting runs
``python bench/mxnet_settings.py`` (the probe) with its own environment.  The
probe trains (b), (c) plain-hybridized, (c) hybridized with
``static_alloc=True, static_shape=True``, (c) with the loss hybridized too
(``loss.hybridize()``) and the MLP for a few epochs and
prints the median seconds per epoch (end to end) of each as one JSON line.
Settings alternate: every round runs each of them once, the next round in
reverse order, so drift hits them alike.
"""

import json
import os
import statistics
import subprocess
import sys

# Label -> environment variables set on top of the defaults (every variable in
# TUNED_VARS is removed first, so "MXNet defaults" really is the default).
SETTINGS = {
    "MXNet defaults": {},
    "MXNET_ENGINE_TYPE=NaiveEngine": {"MXNET_ENGINE_TYPE": "NaiveEngine"},
    "OMP_NUM_THREADS=1": {"OMP_NUM_THREADS": "1"},
    "OMP_NUM_THREADS=2": {"OMP_NUM_THREADS": "2"},
    "MXNET_USE_OPERATOR_TUNING=0": {"MXNET_USE_OPERATOR_TUNING": "0"},
    "OMP_NUM_THREADS=2 + MXNET_USE_OPERATOR_TUNING=0": {"OMP_NUM_THREADS": "2",
                                                        "MXNET_USE_OPERATOR_TUNING": "0"},
    "MXNET_CPU_WORKER_NTHREADS=2": {"MXNET_CPU_WORKER_NTHREADS": "2"},
    "NaiveEngine + OMP_NUM_THREADS=1": {"MXNET_ENGINE_TYPE": "NaiveEngine",
                                        "OMP_NUM_THREADS": "1"},
}
TUNED_VARS = ("MXNET_ENGINE_TYPE", "OMP_NUM_THREADS", "MXNET_CPU_WORKER_NTHREADS",
              "MXNET_USE_OPERATOR_TUNING")
PROBE_CONTENDERS = ("b", "c", "c static", "c hyb. loss", "mlp")


def setting_env(extra, base=None):
    """``base`` (default os.environ) without TUNED_VARS, plus ``extra``."""
    env = {k: v for k, v in (os.environ if base is None else base).items()
           if k not in TUNED_VARS}
    env.update(extra)
    env["PYTHONWARNINGS"] = "ignore"
    return env


def run_probe(extra, epochs):
    """One probe subprocess under the setting ``extra``; {contender: median s/epoch}."""
    out = subprocess.run([sys.executable, __file__, str(epochs)], env=setting_env(extra),
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"probe under {extra or 'defaults'} failed:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def measure(rounds=2, epochs=3, settings=None):
    """{label: {contender: [median s/epoch of each round]}}, settings alternating."""
    settings = SETTINGS if settings is None else settings
    results = {label: {c: [] for c in PROBE_CONTENDERS} for label in settings}
    labels = list(settings)
    for r in range(rounds):
        for label in labels if r % 2 == 0 else labels[::-1]:
            for contender, seconds in run_probe(settings[label], epochs).items():
                results[label][contender].append(seconds)
    return results


def _probe(epochs):
    import training

    loaders = training.course_loaders()
    runs = {
        "b": lambda: training.course_scratch(loaders, epochs),
        "c": lambda: training.course_gluon(loaders, epochs),
        "c static": lambda: training.course_gluon(loaders, epochs, static_alloc=True,
                                                  static_shape=True),
        "c hyb. loss": lambda: training.course_gluon(loaders, epochs, hybridize_loss=True),
        "mlp": lambda: training.course_gluon(loaders, max(2, epochs - 1), hidden=(256,),
                                             lr=training.MLP_LR),
    }
    print(json.dumps({name: statistics.median(run()["seconds"]) for name, run in runs.items()}))


if __name__ == "__main__":
    _probe(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
