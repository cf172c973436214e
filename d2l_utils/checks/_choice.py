"""Verdicts for multiple-choice questions.

A multiple-choice answer is one letter; a wrong one gets the reason it is
wrong, an answer left at ``None`` gets "not yet" (``_verdict``).
Introduced in chapters/00_getting_started.ipynb.
"""

from ..language import text
from ._verdict import not_yet, verdict


def _choice(name, answer, correct, hints):
    """Check a multiple-choice ``answer`` (a letter) against ``correct``.

    hints: {letter: why that choice is wrong} for every wrong letter.  The answer may be
    written "b", "B" or "(b)".  Every chapter's multiple-choice check goes through here.
    """
    letters = sorted([correct, *hints])
    listed = ", ".join(repr(c) for c in letters)
    if answer is None:
        return not_yet(name, text(f"set answer to one of {listed}",
                                  f"把 answer 设为 {listed} 之一"))
    letter = answer.strip().lower().strip("()") if isinstance(answer, str) else None
    if letter not in letters:
        return verdict(name, text(f"{answer!r} is not one of the choices {listed}",
                                  f"{answer!r} 不是选项 {listed} 之一"))
    return verdict(name, None if letter == correct else f"({letter}) {hints[letter]}")
