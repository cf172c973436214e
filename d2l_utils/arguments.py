"""One way to check a number a user gave: on the command line, in a run folder's JSON
files, or to a helper's constructor.

Introduced in chapters/11_training_in_practice.ipynb (``python -m d2l_utils.run``).
"""

import argparse
import math
import numbers

__all__ = ["UsageError", "check_number", "number_type"]


class UsageError(Exception):
    """A problem with the command line or the run folder (``python -m d2l_utils.run``: exit
    status 2)."""


def _requirement(kind, low, high, above):
    what = "an int" if kind is int else "a finite number"
    if above is not None:
        return f"{what} > {above}" + (f" and <= {high}" if high is not None else "")
    if low is not None and high is not None:
        return f"{what} in [{low}, {high}]"
    if low is not None:
        return f"{what} >= {low}"
    return what + (f" <= {high}" if high is not None else "")


def check_number(name, value, kind=int, low=None, high=None, *, above=None):
    """``value`` as a ``kind`` (int or float) in [low, high] (and > ``above``), else ValueError.

    A bool is not a number and a float must be finite; NumPy scalars count
    (``np.int64(3)`` is an int, returned as ``3``).  The error reads "<name> must
    be <what>, got <value>".  ``number_type`` parses command-line text first.
    """
    return _checked(name, value, value, kind, low, high, above)


def _checked(name, value, parsed, kind, low, high, above):
    ok = (not isinstance(parsed, bool)
          and isinstance(parsed, numbers.Integral if kind is int else numbers.Real)
          and (kind is int or math.isfinite(parsed))
          and (low is None or parsed >= low) and (high is None or parsed <= high)
          and (above is None or parsed > above))
    if not ok:
        prefix = f"{name} must be" if name else "must be"
        raise ValueError(f"{prefix} {_requirement(kind, low, high, above)}, got {value!r}")
    return int(parsed) if kind is int else float(parsed)


def number_type(kind=int, low=None, high=None, *, above=None):
    """``check_number`` as an argparse ``type=``: argparse names the option in its error."""
    def parse(text):
        try:
            try:
                parsed = kind(text.strip())
            except ValueError:
                parsed = None
            return _checked("", text, parsed, kind, low, high, above)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None
    parse.__name__ = "int" if kind is int else "float"
    return parse
