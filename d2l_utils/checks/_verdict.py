"""The one verdict of every exercise self-check: correct, wrong, or not yet.

A check prints exactly one of three lines and returns True or False::

    <check>: correct              <check>: 正确
    <check>: wrong: <why>         <check>: 错误：<why>
    <check>: not yet: <todo>      <check>: 尚未完成：<todo>

in the language set by ``d2l.set_language``.  The check's name is an
identifier and stays as it is, followed by an ASCII ": " in both languages,
so the name can be found the same way in either; the Chinese verdict word
takes the full-width colon of Chinese prose.  "Not yet" is for work not
started (a stub that still raises NotImplementedError, an answer left at
None): it is never "wrong" and never a traceback.
Introduced in chapters/00_getting_started.ipynb.
"""

from ..language import text


class _Stub(str):
    """The type of ``STUB``: a str, so a check may still search a problem's text."""


# The problem of a function that still raises NotImplementedError (compare with ``is``).
STUB = _Stub("not yet")


def verdict(name, problem, todo=None):
    """Print ``name``'s verdict: correct if ``problem`` is None, "not yet: <todo>" if it is
    ``STUB``, else "wrong: <problem>"; return whether it was correct."""
    if problem is STUB:
        if todo is None:
            raise ValueError(f"{name}: a check that can meet a stub must say what to do")
        return not_yet(name, todo)
    if problem is None:
        print(text(f"{name}: correct", f"{name}: 正确"))
        return True
    print(text(f"{name}: wrong: {problem}", f"{name}: 错误：{problem}"))
    return False


def not_yet(name, todo):
    """Print "<name>: not yet: <todo>" (what to fill in) and return False."""
    print(text(f"{name}: not yet: {todo}", f"{name}: 尚未完成：{todo}"))
    return False
