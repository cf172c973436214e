"""Verdicts for exercise stubs and for multiple-choice questions.

A stub (a function whose body raises ``NotImplementedError``, or an answer
left at ``None``) gets a "not yet" line that says what to fill in, never a
traceback.  A multiple-choice answer is one letter; a wrong one gets the
reason it is wrong.  Introduced in chapters/00_getting_started.ipynb.
"""

from ._common import _verdict


def _not_yet(name, todo):
    print(f"{name}: not yet: {todo}")
    return False


def _report(name, problem, todo):
    """``_verdict``, except that a stub that raised NotImplementedError is "not yet"."""
    if problem is not None and problem.startswith("raised NotImplementedError"):
        return _not_yet(name, todo)
    return _verdict(name, problem)


def _choice(name, answer, correct, hints):
    """Check a multiple-choice ``answer`` (a letter) against ``correct``.

    hints: {letter: why that choice is wrong} for every wrong letter.
    """
    letters = sorted([correct, *hints])
    listed = ", ".join(repr(c) for c in letters)
    if answer is None:
        return _not_yet(name, f"set answer to one of {listed}")
    if not isinstance(answer, str) or answer.strip().lower() not in letters:
        return _verdict(name, f"{answer!r} is not one of the choices {listed}")
    letter = answer.strip().lower()
    return _verdict(name, None if letter == correct else f"({letter}) {hints[letter]}")
