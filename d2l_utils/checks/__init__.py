"""Exercise self-checks, one module per chapter (``checks.ch02`` for chapter 02, ...).

Each ``check_*`` prints one verdict line, ``"<check>: correct"`` or
``"<check>: wrong: <what is wrong>"``, and returns True or False; see
``_common``.  The chapter's names are re-exported here, so
``d2l.checks.check_softmax`` and ``d2l.check_softmax`` both work.
"""

from .ch02 import check_cross_entropy, check_huber, check_softmax, check_stable_softmax
from .ch05 import check_clearly_better, check_pick_learning_rate

__all__ = ["check_cross_entropy", "check_huber", "check_softmax", "check_stable_softmax",
           "check_clearly_better", "check_pick_learning_rate"]
