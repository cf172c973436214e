"""Shared helpers for the hands-on softmax regression course.

``import d2l_utils as d2l`` gives the first-edition "Dive into Deep Learning"
(d2lzh) names, so book-style code runs unchanged.  Each helper's docstring
says which chapter in ``chapters/`` introduces it.
"""

# First, before anything imports MXNet: on a machine it cannot run on (no AVX, aarch64
# without the Arm Performance Libraries, ...) stop with the route that works (README,
# 'Platforms') instead of an "Illegal instruction" crash or an OSError.
from . import _supported

# --- the language of messages: the Chinese edition's chapters/zh/ ---
from .language import get_language, set_language

# --- data: chapters/01_fashion_mnist.ipynb ---
from .data import (
    DataError,
    find_dataset,
    get_fashion_mnist_labels,
    load_data_fashion_mnist,
    load_data_mnist,
    load_fashion_mnist_arrays,
    split_train_valid,
)

# --- metrics and training: chapters/03_softmax_from_scratch.ipynb ---
from .metrics import Accumulator, Timer, accuracy, evaluate_accuracy
from .training import History, TrainState, sgd, train_ch3
from .evaluation import predict_ch3

# --- plotting: chapters/01 and 03 ---
# d2l.plt (matplotlib.pyplot) comes from __getattr__ below, imported on first use
from . import plotting
from .plotting import Animator, plot, set_axes, set_figsize, use_svg_display
from .images import show_fashion_mnist, show_images

# --- multilayer perceptrons: chapters/06_mlp_from_scratch.ipynb and 07 ---
from .mlp import (
    ACTIVATIONS,
    activation_and_grad,
    count_params,
    make_rings,
    mlp_net,
    mlp_param_count,
    plot_activations,
    plot_decision_regions,
    show_weights,
)

# --- devices and seeds: chapters/00_getting_started.ipynb ---
from .device import num_gpus, set_seed, try_gpu
from .environment import EnvironmentProblem, check_environment

# --- where a classifier errs: chapters/04_softmax_concise_gluon.ipynb ---
from .evaluation import confusion_matrix, misclassified, show_confusion_matrix

# --- self-checks for exercises ---
from .checks import check_cross_entropy, check_huber, check_softmax, check_stable_softmax

# --- training in practice: chapters/11_training_in_practice.ipynb ---
from .checkpoints import CheckpointError, best_checkpoint, latest_checkpoint, load_checkpoint

# --- callbacks, the training loop's extensions: chapters/05, 09 and 11 ---
from .callbacks import (
    BatchLosses,
    Callback,
    Checkpoint,
    EarlyStopping,
    ProgressBar,
    TensorBoardLogger,
)

# --- regularization: chapters/09_regularization.ipynb ---
from .regularization import dropout, l1_penalty, l2_penalty
from .augmentation import Augmented, random_flip_lr, random_shift

# --- tuning: chapters/05_hyperparameters.ipynb ---
from .tuning import best_within, results_table, sweep, with_batch_size

# --- backpropagation by hand in NumPy: chapters/08_backprop_numpy.ipynb ---
from . import numpy_net
from .gradcheck import (
    check_gradient,
    compare,
    numerical_gradient,
    relative_error,
    report_gradient_check,
)
from .numpy_bridge import NumpyMLP, numpy_softmax_cross_entropy
from .checks import check_affine_l2_backward, check_backprop_bug, check_sigmoid_backward

# --- the first edition's sections 3.2-3.13, 5.5-5.10 and 7.1-7.8 (README, "Book sections") ---
from .linear_regression import data_iter, linreg, squared_loss
from .curves import semilogy, show_figure, xyplot
from .convnets import train_ch5
from .airfoil import get_data_ch7
from .trace_2d import show_trace_2d, train_2d
from .optim_compare import train_ch7, train_gluon_ch7

# --- optimizers, schedules, trainers: chapters/10_optimization.ipynb ---
from .optim import (
    adam_update,
    init_states,
    make_schedule,
    make_trainer,
    momentum_update,
    rmsprop_update,
    sgd_update,
)


# --- d2l.plt, imported on first use ---
# pyplot takes about 0.25 s to import; importing it here would make every command-line run
# and every kernel pay for it before drawing anything (plotting.py).  ``d2l.plt`` and
# ``from d2l_utils import plt`` still give matplotlib.pyplot itself, and dir() and
# ``from d2l_utils import *`` still list it.
def __getattr__(name):
    if name == "plt":
        return plotting.plt  # plotting decides how pyplot is imported
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted({*globals(), "plt"})


# What ``import *`` gave when plt was imported above: every public name.
__all__ = sorted({name for name in globals() if not name.startswith("_")} | {"plt"})
