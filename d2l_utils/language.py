"""The language of the course's messages: English, or Chinese for the Chinese edition.

A Chinese chapter's first cell calls ``d2l.set_language('zh')``; the self-check
hints, errors and training messages a student meets then come in Chinese.  The
setting is explicit, never the machine's locale, so a notebook prints the same
on every machine.  The command line takes ``D2L_LANGUAGE=zh``.
Introduced in chapters/00_getting_started.ipynb (Chinese edition).
"""

import os
from collections.abc import Mapping

__all__ = ["LANGUAGES", "TextMap", "get_language", "set_language", "text"]

LANGUAGES = ("en", "zh")
_current = [None]  # None until set: then D2L_LANGUAGE decides, else English


def set_language(language):
    """Print messages in ``language``: ``'en'`` or ``'zh'``."""
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(map(repr, LANGUAGES))}, "
                         f"got {language!r}")
    _current[0] = language


def get_language():
    """The language set by ``set_language``, else ``D2L_LANGUAGE``, else ``'en'``.

    An unset or empty ``D2L_LANGUAGE`` means English.  Any other value than
    'en' or 'zh' is a ValueError naming the variable: a typo such as
    ``D2L_LANGUAGE=zh_CN`` must not silently give English messages.
    """
    if _current[0] is not None:
        return _current[0]
    env = os.environ.get("D2L_LANGUAGE", "")
    if env in LANGUAGES or env == "":
        return env or "en"
    # Both languages: which one the reader wants is exactly what is unknown here.
    raise ValueError(f"D2L_LANGUAGE must be 'en' or 'zh', got {env!r}; set it to one of "
                     f"them or unset it for English\n"
                     f"环境变量 D2L_LANGUAGE 只能是 'en' 或 'zh'，当前为 {env!r}")


def text(en, zh):
    """One message in both languages; the current language picks which one is shown."""
    return zh if get_language() == "zh" else en


class TextMap(Mapping):
    """A read-only mapping whose values are messages, read in the current language.

    ``make`` returns the dict, its values built with ``text``; it is called on
    every access, so a chapter that imports a table of choices (such as
    ``checks.ch03.NAN_CAUSES``) and then calls ``set_language`` sees the
    table in the new language.
    """

    def __init__(self, make):
        self._make = make

    def __getitem__(self, key):
        return self._make()[key]

    def __iter__(self):
        return iter(self._make())

    def __len__(self):
        return len(self._make())

    def __repr__(self):
        return repr(self._make())
