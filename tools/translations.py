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
    python tools/translations.py check [chapters/NN_x.ipynb ...]
        every problem, one line each, naming the translation file and the cell: missing,
        stale, untranslated, or a structure that differs from the English (formulas,
        links, images, code spans, headings), or text without the edition's space
        between Chinese and Latin text (tools/zh_spacing.py); exit status 1 if there is any
    python tools/translations.py space [chapters/NN_x.ipynb ...]
        puts that space wherever it is missing, in the translation files
    python tools/translations.py build [chapters/NN_x.ipynb ...]
        writes chapters-zh/<chapter>.ipynb (`make zh` runs this, then executes them):
        the English notebook with its markdown cells replaced by the entries (same
        cell ids and metadata), code cells and their outputs unchanged, and one
        first code cell that sets the language; refuses when `check` finds a problem
    python tools/translations.py build --keep-outputs [chapters/NN_x.ipynb ...]
        the same, keeping the outputs of the notebooks already in chapters-zh/ (`make
        zh-text`: after an edit of the translations only; refuses if a code cell changed)

Updating a stale entry: run `status`, look at what changed in the English cell
(`git log -p chapters/NN_x.ipynb`), change the Chinese text to match, then put the
cell's new hash in the marker (`check` prints it).
"""

import hashlib
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import zh_spacing  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CHAPTERS = ROOT / "chapters"
TRANSLATIONS = ROOT / "translations" / "zh"
BUILT = ROOT / "chapters-zh"  # a sibling of chapters/: ../assets/ and chapter links resolve
MARKER = re.compile(r"^<!-- cell (?P<id>\S+) · en (?P<hash>[0-9a-f]{12}) -->$", re.M)
CJK = re.compile(f"[{zh_spacing.CJK}]")
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


def _text(entries):
    """The file's text for (cell id, (English hash, Chinese text)) pairs, in their order:
    the one format ``read`` parses."""
    return "\n".join(f"<!-- cell {cid} · en {h} -->\n{body}\n" for cid, (h, body) in entries)


def write(path, cells, entries):
    """Write entries in the notebook's cell order."""
    ordered = [(cid, entries[cid]) for cid, _ in cells if cid in entries]
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(_text(ordered), encoding="utf-8")


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


# ----------------------------------------------------------------------------- structure
# What a translation must keep from its English cell.  Code is taken out first, so a $
# or a # inside code is not read as math or a heading.
FENCE = re.compile(r"^(```|~~~).*?^\1[ \t]*$", re.M | re.S)
CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
DISPLAY_MATH = re.compile(r"\$\$(.+?)\$\$", re.S)
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)((?:[^$\\]|\\.)+?)\$")
IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?[^)]*\)|<img\s[^>]*src=\"([^\"]+)\"")
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(\s*<?([^)\s>]+)>?[^)]*\)|<a\s[^>]*href=\"([^\"]+)\"")
HEADING = re.compile(r"^(#{1,6})\s", re.M)
# A code span of plain lower-case words (`correct`, `not yet`) may be a printed message
# that the Chinese edition prints in Chinese (`正确`); any other code span is kept verbatim.
WORDS = re.compile(r"[a-z]+( [a-z]+)*")


def _verbatim(span):
    return not WORDS.fullmatch(span) and not CJK.search(span)


def _squash(text):
    return " ".join(text.split())


def structure(markdown):
    """What a cell's translation must keep: the display formulas and the heading levels,
    in order; the inline formulas, link targets, image sources and verbatim code spans
    (fenced blocks included) as sets.  Sets, because a good translation may name a
    symbol or an identifier twice where the English names it once ("乘以$\\mathbf{W}$
    再加上$\\mathbf{b}$，$\\mathbf{b}$在整个批量上广播"); it may not drop one or add
    another."""
    fences = [_squash(m.group(0)) for m in FENCE.finditer(markdown)]
    rest = FENCE.sub(" ", markdown)
    spans = [m.group(2).strip() for m in CODE_SPAN.finditer(rest)]
    rest = CODE_SPAN.sub(" ", rest)
    display = [_squash(m.group(1)) for m in DISPLAY_MATH.finditer(rest)]
    rest = DISPLAY_MATH.sub(" ", rest)
    inline = [_squash(m.group(1)) for m in INLINE_MATH.finditer(rest)]
    rest = INLINE_MATH.sub(" ", rest)
    return {
        "display formulas ($$...$$)": display,
        "inline formulas ($...$)": sorted(set(inline)),
        "link targets": sorted({a or b for a, b in LINK.findall(rest)}),
        "images": sorted({a or b for a, b in IMAGE.findall(rest)}),
        "code spans": sorted(set(filter(_verbatim, spans)) | set(fences)),
        "heading levels": [len(h) for h in HEADING.findall(rest)],
    }


# A line inside a formula that starts like a list item ("+ \\mathbf{v}$"): nbconvert's
# markdown (the decks) makes it a list and the formula breaks; JupyterLab does not.
LIST_LINE = re.compile(r"\n[ \t]*([-+*]|\d+[.)])[ \t]")


def structure_problems(english, chinese):
    """One line per part of ``structure`` that the translation does not keep, and per
    formula that a line break would turn into a list item in the decks."""
    want, have = structure(english), structure(chinese)
    rest = CODE_SPAN.sub(" ", FENCE.sub(" ", chinese))
    problems = [f"formula {m.group(0)!r} has a line starting like a list item: the decks "
                "break it there; join the line" for m in INLINE_MATH.finditer(rest)
                if LIST_LINE.search(m.group(1))]
    for part, items in want.items():
        if items != have[part]:
            lost = [x for x in items if x not in have[part]]
            added = [x for x in have[part] if x not in items]
            detail = (f"English {items}, translation {have[part]}" if part.startswith(
                "heading") or not (lost or added)
                else "; ".join(filter(None, [lost and f"missing {lost}",
                                             added and f"not in the English {added}"])))
            problems.append(f"{part} differ: {detail}")
    return problems


def check(notebook):
    """Every problem of ``notebook``'s translation, one line each, naming the translation
    file and the cell: missing file or entry, stale entry (with the new hash), untranslated
    entry, an entry for a cell that is gone, a structure that differs from the English."""
    path = translation_path(notebook)
    where, source = (p.relative_to(ROOT) if p.resolve().is_relative_to(ROOT) else p
                     for p in (path, Path(notebook).resolve()))
    fix = "run `python tools/translations.py status` (see its doc for updating an entry)"
    if not path.exists():
        return [f"{where}: missing: no translation of {Path(notebook).name}; "
                f"`python tools/translations.py skeleton {source}` starts one"]
    try:
        entries = read(path)
    except ValueError as err:
        return [str(err)]
    problems = []
    cells = markdown_cells(notebook)
    for cid, english in cells:
        if cid not in entries:
            problems.append(f"{where}: cell {cid}: missing: no entry; {fix}")
            continue
        h, body = entries[cid]
        if h != source_hash(english):
            problems.append(f"{where}: cell {cid}: stale: the English cell changed since it "
                            f"was translated (en {h}, now {source_hash(english)}); {fix}")
        elif not is_translated(english, body):
            problems.append(f"{where}: cell {cid}: untranslated (no Chinese text); {fix}")
        else:
            problems += [f"{where}: cell {cid}: {p}" for p in structure_problems(english, body)]
            if missing := zh_spacing.problems(body):
                problems.append(f"{where}: cell {cid}: no space between Chinese and Latin text, "
                                f"a digit, code or a formula at {missing}: the edition puts one "
                                f"(GLOSSARY.md, Spacing); `python tools/translations.py space "
                                f"{source}` adds them")
    ids = {cid for cid, _ in cells}
    problems += [f"{where}: cell {cid}: no such markdown cell in {Path(notebook).name} any "
                 "more; delete the entry (`skeleton` does)" for cid in entries if cid not in ids]
    return problems


# ----------------------------------------------------------------------------- build
LANGUAGE_CELL_ID = "language"
LANGUAGE_SOURCE = ("import d2l_utils as d2l\n\n"
                   "d2l.set_language('zh')  # 中文版：自测提示和错误信息使用中文")


class TranslationError(Exception):
    """A translation is missing, stale or does not keep the English cell's structure."""


def chinese_notebook(notebook):
    """The Chinese edition of ``notebook`` (a dict in nbformat 4), not executed: its
    markdown cells replaced by their entries, everything else as in the English one, and
    a first code cell that sets the language.  Raises TranslationError naming the problems."""
    problems = check(notebook)
    if problems:
        raise TranslationError("\n".join(problems))
    nb = json.loads(Path(notebook).read_text(encoding="utf-8"))
    entries = read(translation_path(notebook))
    if any(c.get("id") == LANGUAGE_CELL_ID for c in nb["cells"]):
        raise TranslationError(f"{notebook}: a cell already has the id {LANGUAGE_CELL_ID!r}, "
                               "which the Chinese edition's language cell uses")
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = entries[cell["id"]][1].splitlines(keepends=True)
    nb["cells"].insert(0, {
        "cell_type": "code", "execution_count": None, "id": LANGUAGE_CELL_ID,
        "metadata": {"slideshow": {"slide_type": "skip"}, "tags": [LANGUAGE_CELL_ID]},
        "outputs": [], "source": LANGUAGE_SOURCE.splitlines(keepends=True)})
    return nb


def english_cells(zh_nb):
    """The cells of a Chinese notebook that come from the English one (all but the
    language cell)."""
    return [c for c in zh_nb["cells"] if c.get("id") != LANGUAGE_CELL_ID]


def _code(nb):
    return [(c["id"], "".join(c["source"])) for c in nb["cells"] if c["cell_type"] == "code"]


def build(notebook, out_dir=BUILT, keep_outputs=False):
    """Write ``out_dir/<chapter>.ipynb`` (as nbformat writes notebooks); return its path.

    ``keep_outputs``: only the text changed (a translation was edited), so take the
    outputs of the notebook already built there, which a run of the same code cells
    produced; raises TranslationError if its code cells differ (then execute again)."""
    nb = chinese_notebook(notebook)
    out = Path(out_dir) / Path(notebook).name
    if keep_outputs:
        old = json.loads(out.read_text(encoding="utf-8")) if out.exists() else None
        if old is None or _code(old) != _code(nb):
            why = "missing" if old is None else "its code cells differ from the English"
            raise TranslationError(f"{out}: {why}; build and execute it: "
                                   f"make zh NOTEBOOKS=chapters/{Path(notebook).name}")
        ran = {c["id"]: c for c in old["cells"] if c["cell_type"] == "code"}
        for cell in nb["cells"]:
            if cell["cell_type"] == "code":
                cell["outputs"] = ran[cell["id"]]["outputs"]
                cell["execution_count"] = ran[cell["id"]]["execution_count"]
        nb["metadata"] = old["metadata"]
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(nb, sort_keys=True, indent=1, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    return out


def space(notebook):
    """Put the edition's space between Chinese and Latin text into every entry of
    ``notebook``'s translation file (markers, code and formulas untouched)."""
    path = translation_path(notebook)
    text = path.read_text(encoding="utf-8")
    spaced = _text((cid, (h, zh_spacing.add_spaces(body))) for cid, (h, body) in read(path).items())
    if spaced != text:
        path.write_text(spaced, encoding="utf-8")
    return f"{path.name}: {'spaced' if spaced != text else 'nothing to change'}"


def main(argv):
    if len(argv) < 1 or argv[0] not in ("skeleton", "status", "check", "build", "space"):
        print(__doc__)
        return 2
    keep = "--keep-outputs" in argv
    argv = [a for a in argv if a != "--keep-outputs"]
    notebooks = argv[1:] or sorted(str(p) for p in CHAPTERS.glob("*.ipynb"))
    if argv[0] in ("check", "build"):
        problems = [p for nb in notebooks for p in check(nb)]
        for p in problems:
            print(p, file=sys.stderr)
        if problems:
            print(f"{argv[0]}: {len(problems)} problem(s) in the translations; "
                  "nothing built" if argv[0] == "build" else "", file=sys.stderr)
            return 1
        try:
            for nb in notebooks:
                print(build(nb, keep_outputs=keep) if argv[0] == "build"
                      else f"{Path(nb).stem}: ok")
        except TranslationError as err:
            print(err, file=sys.stderr)
            return 1
        return 0
    for nb in notebooks:
        if argv[0] == "skeleton":
            print(skeleton(nb))
        elif argv[0] == "space":
            print(space(nb))
        else:
            s = status(nb)
            print(f"{Path(nb).stem:32} {s['translated']:3}/{s['cells']:<3} translated"
                  f"  untranslated {len(s['untranslated'])}  stale {len(s['stale'])}"
                  f"  missing {len(s['missing'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
