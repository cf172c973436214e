"""The language of the course's messages: English, or Chinese for the Chinese edition.

A Chinese chapter's first cell calls ``d2l.set_language('zh')``; the self-check
hints, errors and training messages a student meets then come in Chinese.  The
setting is explicit, never the machine's locale, so a notebook prints the same
on every machine.  The command line takes ``D2L_LANGUAGE=zh``.
Introduced in chapters/00_getting_started.ipynb (Chinese edition).
"""

import os

__all__ = ["LANGUAGES", "get_language", "set_language", "text"]

LANGUAGES = ("en", "zh")
_current = [None]  # None until set: then D2L_LANGUAGE decides, else English


def set_language(language):
    """Print messages in ``language``: ``'en'`` or ``'zh'``."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(map(repr, LANGUAGES))}, "
                         f"got {language!r}")
    _current[0] = language


def get_language():
    """The language set by ``set_language``, else ``D2L_LANGUAGE`` if valid, else ``'en'``."""
    if _current[0] is not None:
        return _current[0]
    env = os.environ.get("D2L_LANGUAGE", "en")
    return env if env in LANGUAGES else "en"


def text(en, zh):
    """One message in both languages; the current language picks which one is shown."""
    return zh if get_language() == "zh" else en
