"""Exercise self-checks, one module per chapter (``checks.ch00`` for chapter 00, ...).

Each ``check_*`` prints one verdict line, ``"<check>: correct"``,
``"<check>: wrong: <what is wrong>"`` or ``"<check>: not yet: <what to do>"``
(in Chinese after ``d2l.set_language('zh')``), and returns True or False; see
``_verdict``.  The chapter's names are re-exported here, so
``d2l.checks.check_softmax`` and ``d2l.check_softmax`` both work.
"""

from . import ch00, ch01, ch03, ch04  # ch03/ch04: used as checks.ch03.check_*
from .ch00 import (
    check_async_timing,
    check_cube_gradient,
    check_lookup_order,
    check_matmul_growth,
)
from .ch01 import (
    check_class_means,
    check_memory,
    check_more_epochs,
    check_num_updates,
    check_to_tensor,
)
from .ch02 import (
    check_cross_entropy,
    check_huber,
    check_huge_label_set,
    check_softmax,
    check_squared_loss_for_classification,
    check_stable_softmax,
)
from .ch05 import check_clearly_better, check_pick_learning_rate
from .ch08 import check_affine_l2_backward, check_backprop_bug, check_sigmoid_backward
from .ch10 import check_adam, check_fold_batch_norm, check_init_std, check_momentum

__all__ = [
    "ch00", "ch01", "ch03", "ch04",
    "check_async_timing", "check_cube_gradient", "check_lookup_order", "check_matmul_growth",
    "check_class_means", "check_memory", "check_more_epochs", "check_num_updates",
    "check_to_tensor",
    "check_cross_entropy", "check_huge_label_set", "check_huber", "check_softmax",
    "check_squared_loss_for_classification", "check_stable_softmax",
    "check_clearly_better", "check_pick_learning_rate",
    "check_affine_l2_backward", "check_backprop_bug", "check_sigmoid_backward",
    "check_adam", "check_fold_batch_norm", "check_init_std", "check_momentum",
]
