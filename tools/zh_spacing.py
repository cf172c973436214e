"""The Chinese edition's one spacing rule: a space between Chinese text and Latin letters,
digits, inline code and inline formulas ("用 `nd` 编写 3 个模型", "在 $x$ 之上").

The first edition writes them without a space; this edition puts one, as its 417
self-check and error messages (``d2l_utils.language.text``) already do, so that the
notebook text and the messages read alike (translations/zh/GLOSSARY.md, "Spacing").
Code, formulas, link targets, HTML tags and URLs are never changed.  ``problems`` is what
``tools/translations.py check`` reports; ``add_spaces`` is what
``tools/translations.py space`` applies.
"""

import re

CJK = "\u3400-\u9fff\uf900-\ufaff"
# The spans that are never touched, first match wins: fenced code, code spans, display
# and inline formulas, link targets, HTML tags, URLs.
PROTECTED = re.compile(r"```.*?```|~~~.*?~~~|(`+).+?\1|\$\$.*?\$\$"
                       r"|(?<![\\$])\$(?!\$)(?:[^$\\\n]|\\.)+?\$"
                       r"|\]\([^)\n]*\)|<[^>\n]*>|https?://\S+", re.S)
MISSING = re.compile(rf"[{CJK}][A-Za-z0-9]|[A-Za-z0-9][{CJK}]")
PLACEHOLDER = "x"  # what an inline code span or formula counts as: Latin text


def _pieces(text):
    """(piece, protected) pairs that join back to ``text``."""
    pieces, pos = [], 0
    for m in PROTECTED.finditer(text):
        pieces += [(text[pos:m.start()], False), (m.group(0), True)]
        pos = m.end()
    return pieces + [(text[pos:], False)]


def _inline(piece):
    return piece[:1] in "`$" and not piece.startswith(("```", "$$"))


def add_spaces(text):
    """``text`` with a space put wherever the rule wants one and there is none."""
    out = []
    pieces = _pieces(text)
    for i, (piece, protected) in enumerate(pieces):
        if not protected:
            piece = re.sub(rf"([{CJK}])([A-Za-z0-9\[])", r"\1 \2", piece)
            piece = re.sub(rf"([A-Za-z0-9%])([{CJK}])", r"\1 \2", piece)
        else:
            if _inline(piece) and out and re.search(rf"[{CJK}]\Z", out[-1]):
                out[-1] += " "
            nxt = pieces[i + 1][0] if i + 1 < len(pieces) else ""
            if (_inline(piece) or piece.startswith("](")) and re.match(rf"[{CJK}]", nxt):
                pieces[i + 1] = (" " + nxt, False)
        out.append(piece)
    return "".join(out)


def problems(text):
    """Where ``text`` lacks a space the rule wants: up to three places, as short quotes."""
    masked = "".join(piece if not protected else
                     PLACEHOLDER if _inline(piece) else "]" if piece.startswith("](") else " "
                     for piece, protected in _pieces(text))
    return [masked[max(m.start() - 4, 0):m.end() + 4].replace("\n", " ")
            for m in MISSING.finditer(masked)][:3]
