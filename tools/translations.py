"""Translation files of the Chinese edition: one per chapter, keyed by cell id.

A file ``translations/zh/<chapter>.md`` holds one entry per markdown cell of
``chapters/<chapter>.ipynb``::

    <!-- cell 5f1c0a2e · en 3b9d0c41a7e2 -->
    中文文本 ...

``cell`` is the notebook cell's id, ``en`` the first 12 hex digits of the SHA-256
of the English source the entry was translated from.  When the English cell
changes and its entry does not, the hashes differ and the entry is stale.

    python tools/translations.py skeleton chapters/05_hyperparameters.ipynb
        writes the file with every cell's English text, for a translator to replace
        (entries already translated are kept, new cells are added, gone cells dropped)
    python tools/translations.py status [chapters/NN_x.ipynb ...]
        per chapter: cells, translated, untranslated, stale, missing
"""

import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "translations" / "zh"
MARKER = re.compile(r"^<!-- cell (?P<id>\S+) · en (?P<hash>[0-9a-f]{12}) -->$", re.M)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LETTERS = re.compile(r"[A-Za-z]{3,}")


def source_hash(text):
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def translation_path(notebook):
    return TRANSLATIONS / (Path(notebook).stem + ".md")


def markdown_cells(notebook):
    """[(cell id, English source)] of the notebook's markdown cells, in order."""
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    return [(c["id"], "".join(c["source"])) for c in nb["cells"] if c["cell_type"] == "markdown"]


def read(path):
    """{cell id: (English hash, Chinese text)}; raises ValueError naming the file and line."""
    text = Path(path).read_text(encoding="utf-8")
    marks = list(MARKER.finditer(text))
    if not marks and text.strip():
        raise ValueError(f"{path}: no '<!-- cell ID · en HASH -->' marker; see the module doc")
    entries = {}
    for mark, nxt in zip(marks, marks[1:] + [None], strict=True):
        body = text[mark.end(): nxt.start() if nxt else len(text)].strip("\n")
        cid = mark["id"]
        if cid in entries:
            line = text.count("\n", 0, mark.start()) + 1
            raise ValueError(f"{path}:{line}: cell {cid} has two entries; keep one")
        entries[cid] = (mark["hash"], body)
    return entries


def write(path, cells, entries):
    """Write entries in the notebook's cell order."""
    parts = []
    for cid, _ in cells:
        if cid in entries:
            h, body = entries[cid]
            parts.append(f"<!-- cell {cid} · en {h} -->\n{body}\n")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("\n".join(parts), encoding="utf-8")


def is_translated(english, body):
    """An entry counts as translated if it has Chinese text, or if the English has no words."""
    return bool(CJK.search(body)) or not LETTERS.search(english)


def status(notebook):
    cells = markdown_cells(notebook)
    path = translation_path(notebook)
    entries = read(path) if path.exists() else {}
    counts = {"cells": len(cells), "translated": 0, "untranslated": [], "stale": [], "missing": []}
    for cid, english in cells:
        if cid not in entries:
            counts["missing"].append(cid)
            continue
        h, body = entries[cid]
        if h != source_hash(english):
            counts["stale"].append(cid)
        elif not is_translated(english, body):
            counts["untranslated"].append(cid)
        else:
            counts["translated"] += 1
    return counts


def skeleton(notebook):
    cells = markdown_cells(notebook)
    path = translation_path(notebook)
    entries = read(path) if path.exists() else {}
    for cid, english in cells:
        if cid not in entries:
            entries[cid] = (source_hash(english), english)
    write(path, cells, {cid: entries[cid] for cid, _ in cells})
    return path


def main(argv):
    if len(argv) < 1 or argv[0] not in ("skeleton", "status"):
        print(__doc__)
        return 2
    notebooks = argv[1:] or sorted(str(p) for p in (ROOT / "chapters").glob("*.ipynb"))
    for nb in notebooks:
        if argv[0] == "skeleton":
            print(skeleton(nb))
        else:
            s = status(nb)
            print(f"{Path(nb).stem:32} {s['translated']:3}/{s['cells']:<3} translated"
                  f"  untranslated {len(s['untranslated'])}  stale {len(s['stale'])}"
                  f"  missing {len(s['missing'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
