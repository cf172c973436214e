"""The allow-list of findings that exist in the chapters today (tests/slide_findings.json).

Checks that judge what a room sees (tests/browser.py's per-slide findings,
tests/test_figures.py's colour-only plots) land before every chapter is fixed, so the
findings present on main are listed, keyed by deck and slide heading, each with the
finding itself.  A check fails on a finding that is not listed (a new one) and on a listed
one that is gone (delete its entry: the list only shrinks).  Each check owns its kinds
of finding and rewrites only those (``write``).
"""

import json
from pathlib import Path

PATH = Path(__file__).with_name("slide_findings.json")
ABOUT = ("Findings on main that the chapters' owners still have to fix, by deck, slide "
         "heading and kind (the value is the finding as measured). A check fails on a "
         "finding not listed here and on a listed one that is gone: delete its entry. "
         "Regenerate: python tests/browser.py --update-allow-list build/slides/*.slides.html "
         "and python tests/test_figures.py --update-allow-list "
         "(chapters/README.md, 'Decks a room can read').")


def load(path=PATH):
    """{(deck, heading, kind): finding text}; empty if ``path`` does not exist."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {(deck, heading, kind): note for deck, slides in data["decks"].items()
                for heading, kinds in slides.items() for kind, note in kinds.items()}
    except (ValueError, KeyError, AttributeError) as err:
        raise ValueError(f"{path}: not an allow-list ({err}); expected "
                         '{"about": ..., "decks": {deck: {heading: {kind: finding}}}}') from err


def compare(findings, decks, kinds, allowed):
    """(new, gone): the ``findings`` (objects with .key() = (deck, heading, kind)) not in
    ``allowed``, and the allowed keys of ``decks`` and ``kinds`` that were not found."""
    found = {f.key() for f in findings}
    new = [f for f in findings if f.key() not in allowed]
    gone = sorted(k for k in allowed if k[0] in decks and k[2] in kinds and k not in found)
    return new, gone


def write(findings, decks, kinds, path=PATH):
    """Replace the entries of ``decks`` and ``kinds`` in the allow-list by ``findings``
    (several findings of one key are joined); other entries are kept."""
    entries = {k: v for k, v in load(path).items() if not (k[0] in decks and k[2] in kinds)}
    for f in findings:
        text = f"{f.at}: {f.detail}"
        entries[f.key()] = f"{entries[f.key()]}; {text}" if f.key() in entries else text
    nested = {}
    for (deck, heading, kind), note in sorted(entries.items()):
        nested.setdefault(deck, {}).setdefault(heading, {})[kind] = note
    Path(path).write_text(json.dumps({"about": ABOUT, "decks": nested}, indent=1,
                                     ensure_ascii=False) + "\n", encoding="utf-8")
    return len(entries)
