"""Choosing settings honestly: sweeps, results tables, clear winners.

Every training run goes through ``train_ch3``; these helpers only run it for
several configurations and collect what it returns (``BatchLosses``, the
per-batch loss callback, is in ``d2l_utils.callbacks``).  Introduced in
chapters/05_hyperparameters.ipynb.
"""

import math
import numbers

import numpy as np

from .arguments import check_number
from .callbacks.batch_losses import BatchLosses
from .training import History

__all__ = ["BatchLosses", "best_within", "results_table", "sweep", "with_batch_size"]

_METRICS = ("train_loss", "train_acc", "valid_acc", "test_acc")


def _last(values):
    return values[-1] if values else math.nan


def sweep(configs, make_run):
    """Run ``make_run(**config)`` for every config; one row per run in a DataFrame.

    ``configs``: a non-empty list of dicts with the same keys, e.g.
    ``[{'lr': 0.1}, {'lr': 0.3}]``; ``make_run``: a function taking those keys
    as keyword arguments, training once (with ``train_ch3``) and returning its
    ``History``.  Columns: the config's keys, then the last epoch's
    ``train_loss``, ``train_acc``, ``valid_acc``, ``test_acc`` (nan where the
    run had no such data), ``epochs`` (run), ``seconds`` (their sum),
    ``diverged`` (True if ``train_ch3`` stopped on a nan/inf loss) and
    ``history`` (the ``History`` itself, for curves).  Introduced in
    chapters/05_hyperparameters.ipynb.
    """
    if not isinstance(configs, list | tuple) or not configs:
        raise ValueError(f"sweep: configs must be a non-empty list of dicts, got {configs!r}")
    keys = None
    for i, config in enumerate(configs):
        if not isinstance(config, dict):
            raise TypeError(f"sweep: configs[{i}] must be a dict of keyword arguments for "
                            f"make_run, got {config!r}")
        if keys is None:
            keys = list(config)
        elif set(config) != set(keys):
            raise ValueError(f"sweep: configs[{i}] has keys {sorted(config)} but configs[0] has "
                             f"{sorted(keys)}; give every config the same keys")
    if not callable(make_run):
        raise TypeError(f"sweep: make_run must be a function, got {make_run!r}")
    rows = []
    for i, config in enumerate(configs):
        history = make_run(**config)
        if not isinstance(history, History):
            raise TypeError(f"sweep: make_run(**configs[{i}]) returned "
                            f"{type(history).__name__}; return train_ch3's History")
        row = {key: config[key] for key in keys}
        row.update({name: _last(getattr(history, name)) for name in _METRICS})
        row.update(epochs=len(history.train_loss), seconds=sum(history.seconds),
                   diverged=history.stopped is not None and not math.isfinite(
                       _last(history.train_loss)),
                   history=history)
        rows.append(row)
    # pandas is imported where a table is built: it takes 0.2 s, which `import d2l_utils`
    # (every kernel, every command-line run) would pay for two functions of chapter 05.
    import pandas as pd
    return pd.DataFrame(rows)


def results_table(results, digits=2):
    """``sweep``'s DataFrame for printing: no ``history`` or ``seconds``, floats rounded.

    Accuracies after training differ in the third digit between machines, so
    the default ``digits=2`` keeps a printed table identical everywhere.
    Introduced in chapters/05_hyperparameters.ipynb.
    """
    import pandas as pd  # here, not at import: see sweep
    if not isinstance(results, pd.DataFrame):
        raise TypeError(f"results_table: results must be sweep's DataFrame, got "
                        f"{type(results).__name__}")
    check_number("results_table: digits", digits, int, 0)
    table = results.drop(columns=[c for c in ("history", "seconds") if c in results])
    table = table.dropna(axis=1, how="all")
    metrics = [c for c in _METRICS if c in table]
    table[metrics] = table[metrics].round(digits) + 0.0  # + 0.0 turns -0.0 into 0.0
    return table


def best_within(scores, margin):
    """The labels whose score is within ``margin`` of the best, best first.

    ``scores``: a dict or pandas Series {label: score} (nan scores are left
    out).  A list of one label is a clear winner; several mean the data cannot
    tell them apart at that margin (e.g. the spread over seeds).  Introduced in
    chapters/05_hyperparameters.ipynb.
    """
    items = list(scores.items())
    if not isinstance(margin, numbers.Real) or isinstance(margin, bool) or not margin >= 0:
        raise ValueError(f"best_within: margin must be a number >= 0, got {margin!r}")
    items = [(label, float(s)) for label, s in items if not math.isnan(float(s))]
    if not items:
        raise ValueError("best_within: scores has no (non-nan) values")
    items.sort(key=lambda kv: -kv[1])
    best = items[0][1]
    return [label for label, s in items if s >= best - margin]


def with_batch_size(data_iter, batch_size):
    """The same examples as ``data_iter`` in batches of ``batch_size``: a view, no copy.

    ``data_iter``: a d2l ``DataIter`` (from ``load_data_fashion_mnist`` or
    ``split_train_valid``); shuffling is kept.  Introduced in
    chapters/05_hyperparameters.ipynb.
    """
    if not hasattr(data_iter, "subset"):
        raise TypeError(f"with_batch_size: data_iter must be a d2l DataIter, got "
                        f"{type(data_iter).__name__}")
    return data_iter.subset(np.arange(data_iter.num_examples), batch_size=batch_size)
