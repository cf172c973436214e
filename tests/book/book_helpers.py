"""Helpers of the book programs (tests/book/): numbers read from what the book's code printed."""

import re


def printed(out, pattern):
    """Every match of ``pattern`` (a regex with one float group) in ``out``, as floats."""
    return [float(m) for m in re.findall(pattern, out)]
