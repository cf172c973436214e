"""Watching a run: the parameters and gradients a logger records, by name.

Introduced in chapters/11_training_in_practice.ipynb.  The callbacks that
watch a run, ``TensorBoardLogger`` and ``ProgressBar``, are in
``d2l_utils.callbacks`` and importable from here.
"""

from .checkpoints import structural_parameters

__all__ = ["named_parameters"]


def named_parameters(state):
    """[(name, NDArray data, NDArray grad or None)] of the model being trained.

    Gluon nets give their structural names ('0.weight', ...); a from-scratch
    model's ``params`` list gives 'params.0', ... (TensorBoard turns brackets into _).
    """
    if state.params is not None:
        return [(f"params.{i}", p, p.grad) for i, p in enumerate(state.params)]
    found = []
    for name, p in structural_parameters(state.net).items():
        grad = p.grad() if p.grad_req != "null" else None
        found.append((name, p.data(), grad))
    return found


def __getattr__(name):
    # ``from d2l_utils.monitoring import ProgressBar`` keeps working; imported on demand
    # because d2l_utils.callbacks imports named_parameters from here.
    if name in ("TensorBoardLogger", "ProgressBar"):
        from . import callbacks
        return getattr(callbacks, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
