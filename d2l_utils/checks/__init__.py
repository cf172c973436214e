"""Exercise self-checks, one module per chapter (``checks.ch02`` for chapter 02, ...).

Each ``check_*`` prints one verdict line, ``"<check>: correct"`` or
``"<check>: wrong: <what is wrong>"``, and returns True or False; see
``_common``.  The chapter's names are re-exported here, so
``d2l.checks.check_softmax`` and ``d2l.check_softmax`` both work.
"""

from .ch02 import check_cross_entropy, check_huber, check_softmax, check_stable_softmax
from .ch08 import check_affine_l2_backward, check_backprop_bug, check_sigmoid_backward
from .ch10 import check_adam, check_init_std, check_momentum

__all__ = ["check_cross_entropy", "check_huber", "check_softmax", "check_stable_softmax"]
__all__ += ["check_affine_l2_backward", "check_backprop_bug", "check_sigmoid_backward"]
__all__ += ["check_adam", "check_init_std", "check_momentum"]
