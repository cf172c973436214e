"""The Chinese edition (README, "中文版"): translations/zh/ and the built chapters-zh/.

* every markdown cell of every chapter has a Chinese entry, none stale, each keeping
  its English cell's formulas, links, images, code spans and heading levels
  (tools/translations.py check; a failure names the file and cell);
* the committed chapters-zh/ notebooks are what `make zh` builds from today's English
  notebooks and translations: markdown and code cells, ids and metadata; code cells
  byte-identical to the English ones, plus the one language cell;
* their outputs equal the English outputs cell by cell after the nbval sanitizers
  (chapters/nbval_sanitize.cfg), except cells whose output contains Chinese text (the
  self-checks and messages that speak Chinese in this edition): nbval checks the English
  outputs, so the Chinese ones cannot drift either.
"""

import collections
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbval.plugin import coalesce_streams, get_sanitize_patterns

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("translations", REPO / "tools" / "translations.py")
tr = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tr)

CHAPTERS = sorted((REPO / "chapters").glob("[0-9A][0-9]_*.ipynb"))
NAMES = [p.stem for p in CHAPTERS]
ZH = REPO / "chapters-zh"
REBUILD = "run `make zh` (or `make zh NOTEBOOKS=chapters/NN_x.ipynb`) and commit chapters-zh/"


def _zh(name):
    path = ZH / f"{name}.ipynb"
    if not path.exists():
        pytest.fail(f"{path.relative_to(REPO)} is missing: {REBUILD}", pytrace=False)
    return json.loads(path.read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------- translations
@pytest.mark.parametrize("name", NAMES)
def test_every_markdown_cell_is_translated_none_stale_and_structure_kept(name):
    problems = tr.check(REPO / "chapters" / f"{name}.ipynb")
    s = tr.status(REPO / "chapters" / f"{name}.ipynb")
    assert not problems, (f"{name}: {s['translated']}/{s['cells']} cells translated; "
                          f"{len(problems)} problem(s):\n" + "\n".join(problems))


def test_chapters_zh_holds_one_notebook_per_english_chapter():
    built = sorted(p.stem for p in ZH.glob("*.ipynb"))
    assert built == NAMES, (f"chapters-zh/ has {built}, chapters/ has {NAMES}: {REBUILD} "
                            "(and delete the Chinese notebook of a chapter that is gone)")


# ----------------------------------------------------------------------------- built notebooks
def _cells(nb):
    """What a build decides: each cell's type, id, metadata and source (not outputs)."""
    return [(c["cell_type"], c.get("id"), c["metadata"], "".join(c["source"]))
            for c in nb["cells"]]


@pytest.mark.parametrize("name", NAMES)
def test_committed_notebook_is_a_fresh_build_of_english_and_translation(name):
    committed = _zh(name)
    fresh = tr.chinese_notebook(REPO / "chapters" / f"{name}.ipynb")
    diff = [f"cell {i} ({a[1]}) differs from a fresh build" for i, (a, b) in
            enumerate(zip(_cells(committed), _cells(fresh), strict=False)) if a != b]
    if len(committed["cells"]) != len(fresh["cells"]):
        diff.append(f"{len(committed['cells'])} cells, a fresh build has {len(fresh['cells'])}")
    assert not diff, f"chapters-zh/{name}.ipynb: " + "; ".join(diff[:5]) + f": {REBUILD}"
    nbformat.validate(nbformat.from_dict(committed))


@pytest.mark.parametrize("name", NAMES)
def test_code_cells_are_byte_identical_to_the_english_edition(name):
    english = json.loads((REPO / "chapters" / f"{name}.ipynb").read_text(encoding="utf-8"))
    zh = _zh(name)
    first = zh["cells"][0]
    assert (first["id"], first["cell_type"], first["metadata"]["slideshow"]["slide_type"]) == (
        tr.LANGUAGE_CELL_ID, "code", "skip"), "the first cell must be the language cell"
    assert "d2l.set_language('zh')" in "".join(first["source"])
    assert not [o for o in first.get("outputs", []) if o["output_type"] == "error"]
    want = [(c["id"], c["source"]) for c in english["cells"] if c["cell_type"] == "code"]
    have = [(c["id"], c["source"]) for c in tr.english_cells(zh) if c["cell_type"] == "code"]
    assert have == want, f"chapters-zh/{name}.ipynb: code cells differ from the English: {REBUILD}"


SANITIZE = get_sanitize_patterns((REPO / "chapters" / "nbval_sanitize.cfg").read_text())
# nbval's comparison leaves these out (nbval/plugin.py, IPyNbFile.skip_compare).
SKIP = {"metadata", "traceback", "prompt_number", "output_type", "name", "execution_count",
        "application/vnd.jupyter.widget-view+json", "image/png", "image/jpeg"}


def _sanitize(value):
    if isinstance(value, list):
        value = "".join(value)
    if isinstance(value, str):
        for regex, replace in SANITIZE:
            value = re.sub(regex, replace, value)
    return value


def comparable(outputs):
    """Outputs as nbval compares them: streams coalesced, keyed by stream name or MIME
    type, sanitized, without the keys nbval skips."""
    flat = collections.defaultdict(list)
    outputs = [nbformat.from_dict({**o, "text": "".join(o["text"])} if "text" in o else o)
               for o in outputs]  # stored as lists of lines
    for out in coalesce_streams(outputs):
        if out["output_type"] == "stream":
            flat[out["name"]].append(_sanitize(out["text"]))
            continue
        for key, value in out.items():
            if key == "data":
                for mime, data in value.items():
                    if mime not in SKIP:
                        flat[mime].append(_sanitize(data))
            elif key not in SKIP:
                flat[key].append(_sanitize(value))
    return dict(flat)


def speaks_chinese(outputs):
    return bool(tr.CJK.search(json.dumps(outputs, ensure_ascii=False)))


def compared_by_nbval(cell):
    """nbval compares a cell's outputs unless a tag or a first-line comment says not to."""
    first = "".join(cell["source"]).lstrip().split("\n", 1)[0].strip()
    return not ({"nbval-ignore-output", "nbval-skip"} & set(cell["metadata"].get("tags", []))
                or first in ("# NBVAL_IGNORE_OUTPUT", "# NBVAL_SKIP"))


def output_differences(english_nb, zh_nb):
    """Code cells (by id) whose outputs differ where nbval compares them, except cells
    whose output is Chinese."""
    english = {c["id"]: c for c in english_nb["cells"] if c["cell_type"] == "code"}
    return [cell["id"] for cell in tr.english_cells(zh_nb) if cell["cell_type"] == "code"
            and compared_by_nbval(cell) and not speaks_chinese(cell["outputs"])
            and comparable(cell["outputs"]) != comparable(english[cell["id"]]["outputs"])]


@pytest.mark.parametrize("name", NAMES)
def test_outputs_equal_the_english_ones_except_where_they_speak_chinese(name):
    english = json.loads((REPO / "chapters" / f"{name}.ipynb").read_text(encoding="utf-8"))
    differ = output_differences(english, _zh(name))
    assert not differ, (f"chapters-zh/{name}.ipynb: the outputs of cells {differ} differ from "
                        f"chapters/{name}.ipynb (after the nbval sanitizers): {REBUILD}")


def test_output_comparison_sees_a_changed_number_and_ignores_a_sanitized_time():
    def nb(text):
        return {"cells": [{"cell_type": "code", "id": "a", "source": "", "metadata": {},
                           "outputs": [{"output_type": "stream", "name": "stdout",
                                        "text": text}]}]}
    assert output_differences(nb("loss 0.51, 1.2 s\n"), nb("loss 0.51, 3.4 s\n")) == []
    assert output_differences(nb("loss 0.51\n"), nb("loss 0.52\n")) == ["a"]
    assert output_differences(nb("check: not yet\n"), nb("检查：尚未完成\n")) == []
    ignored = nb("loss 0.52\n")
    ignored["cells"][0]["metadata"]["tags"] = ["nbval-ignore-output"]
    assert output_differences(nb("loss 0.51\n"), ignored) == []


# ----------------------------------------------------------------------------- the checks fail
ENGLISH = ("## Cross-entropy\n\nThe loss $\\ell = -\\log \\hat y_y$ is [chapter 02]"
           "(02_softmax_regression.ipynb) in `d2l.cross_entropy`; it prints `correct`.\n\n"
           "$$\\hat{\\mathbf{y}} = \\mathrm{softmax}(\\mathbf{o})$$\n\n![net](../assets/net.svg)")
CHINESE = ("## 交叉熵\n\n损失 $\\ell = -\\log \\hat y_y$ 见 "
           "[第 02 章](02_softmax_regression.ipynb) 中的 `d2l.cross_entropy`；它打印 `正确`。\n\n"
           "$$\\hat{\\mathbf{y}} = \\mathrm{softmax}(\\mathbf{o})$$\n\n![网络](../assets/net.svg)")


def test_a_faithful_translation_keeps_the_structure():
    assert tr.structure_problems(ENGLISH, CHINESE) == []


@pytest.mark.parametrize("change, part", [
    (("$\\ell = -\\log \\hat y_y$", "交叉熵损失"), "inline formulas"),
    (("$$\\hat{\\mathbf{y}} = \\mathrm{softmax}(\\mathbf{o})$$", "softmax"), "display formulas"),
    (("(02_softmax_regression.ipynb)", "(03_softmax_from_scratch.ipynb)"), "link targets"),
    (("![网络](../assets/net.svg)", ""), "images"),
    (("`d2l.cross_entropy`", "`d2l.crossentropy`"), "code spans"),
    (("## 交叉熵", "### 交叉熵"), "heading levels"),
    (("$$\\hat{\\mathbf{y}}", "$$\\hat{\\mathbf{y}}=\\hat{\\mathbf{y}}$$\n\n$$\\hat{\\mathbf{y}}"),
     "display formulas"),
])
def test_a_translation_that_drops_or_changes_structure_is_caught(change, part):
    problems = tr.structure_problems(ENGLISH, CHINESE.replace(*change))
    assert any(p.startswith(part) for p in problems), problems


def test_text_without_the_space_between_chinese_and_latin_is_named_and_fixed():
    unspaced = (CHINESE.replace("损失 $", "损失$").replace("打印 `", "打印`")
                .replace("第 02 章", "第02章"))
    found = tr.zh_spacing.problems(unspaced)
    quoted = " ".join(found)  # a formula or a code span counts as Latin text
    assert len(found) == 3 and "损失x" in quoted and "第02章" in quoted, found
    assert tr.zh_spacing.add_spaces(unspaced) == CHINESE
    assert tr.zh_spacing.problems(CHINESE) == []
    assert tr.zh_spacing.add_spaces(CHINESE) == CHINESE  # nothing left to add


def test_spacing_never_touches_code_formulas_links_or_tags():
    text = "```\nx=1中文\n```\n`a中b` $x中y$ <img alt='中a'> [中](a中b.ipynb) https://x.org/中a"
    assert tr.zh_spacing.add_spaces(text) == text
    assert tr.zh_spacing.problems(text) == []


def test_a_formula_that_a_line_break_turns_into_a_list_item_is_caught():
    chinese = CHINESE.replace("$\\ell = -\\log \\hat y_y$", "$\\ell =\n- \\log \\hat y_y$")
    problems = tr.structure_problems(ENGLISH.replace("= -", "=\n-"), chinese)
    assert problems and "line starting like a list item" in problems[0]


@pytest.fixture
def one_chapter(tmp_path, monkeypatch):
    """A chapter with two markdown cells and a code cell, and its correct translation,
    in a temporary tree (tools/translations.py pointed at it)."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(ENGLISH, id="intro"),
                nbformat.v4.new_code_cell("x = 1", id="code1"),
                nbformat.v4.new_markdown_cell("## Summary\n\nSoftmax.", id="summary")]
    chapters, zh = tmp_path / "chapters", tmp_path / "translations" / "zh"
    chapters.mkdir()
    path = chapters / "02_softmax_regression.ipynb"
    nbformat.write(nb, path)
    monkeypatch.setattr(tr, "ROOT", tmp_path)
    monkeypatch.setattr(tr, "TRANSLATIONS", zh)
    tr.write(zh / path.with_suffix(".md").name, tr.markdown_cells(path), {
        "intro": (tr.source_hash(ENGLISH), CHINESE),
        "summary": (tr.source_hash("## Summary\n\nSoftmax."), "## 小结\n\nsoftmax 回归。")})
    return path


def test_a_correct_translation_builds_the_chinese_notebook(one_chapter, tmp_path):
    assert tr.check(one_chapter) == []
    out = tr.build(one_chapter, tmp_path / "chapters-zh")
    nb = json.loads(out.read_text(encoding="utf-8"))
    assert [c["id"] for c in nb["cells"]] == ["language", "intro", "code1", "summary"]
    assert "".join(nb["cells"][1]["source"]) == CHINESE
    assert nb["cells"][2]["source"] == ["x = 1"]
    nbformat.validate(nbformat.from_dict(nb))


def test_space_adds_the_missing_spaces_and_keeps_every_marker(one_chapter):
    zh = tr.translation_path(one_chapter)
    entries = tr.read(zh)
    hashes = {cid: h for cid, (h, _) in entries.items()}
    entries["intro"] = (hashes["intro"], CHINESE.replace("第 02 章", "第02章"))
    tr.write(zh, tr.markdown_cells(one_chapter), entries)
    assert tr.check(one_chapter)  # the missing space is named
    assert tr.space(one_chapter).endswith(": spaced")
    assert {cid: h for cid, (h, _) in tr.read(zh).items()} == hashes
    assert tr.read(zh)["intro"][1] == CHINESE and tr.check(one_chapter) == []
    assert tr.space(one_chapter).endswith(": nothing to change")


def test_a_stale_entry_is_caught_by_name_and_nothing_is_built(one_chapter, tmp_path):
    nb = nbformat.read(one_chapter, as_version=4)
    nb.cells[2].source = "## Summary\n\nSoftmax regression."  # the English changed
    nbformat.write(nb, one_chapter)
    problems = tr.check(one_chapter)
    assert len(problems) == 1
    assert problems[0].startswith("translations/zh/02_softmax_regression.md: cell summary: stale")
    assert "tools/translations.py status" in problems[0]
    with pytest.raises(tr.TranslationError, match="cell summary: stale"):
        tr.build(one_chapter, tmp_path / "chapters-zh")
    assert not (tmp_path / "chapters-zh").exists()


def test_a_missing_or_mis_structured_entry_is_caught_by_name(one_chapter):
    zh = tr.translation_path(one_chapter)
    entries = tr.read(zh)
    entries["intro"] = (entries["intro"][0], CHINESE.replace("![网络](../assets/net.svg)", ""))
    del entries["summary"]
    tr.write(zh, tr.markdown_cells(one_chapter), entries)
    problems = tr.check(one_chapter)
    assert [p.split(": ")[1:3] for p in problems] == [["cell intro", "images differ"],
                                                     ["cell summary", "missing"]]


def test_build_command_refuses_and_names_the_chapter_and_cell(one_chapter, tmp_path):
    """The `make zh` path: the command fails on a stale entry, naming file and cell, and
    writes nothing (run from a copy of the tool, so it works on the temporary tree)."""
    tool = tmp_path / "tools" / "translations.py"
    tool.parent.mkdir()
    for name in ("translations.py", "zh_spacing.py"):
        (tool.parent / name).write_text((REPO / "tools" / name).read_text(encoding="utf-8"))
    nb = nbformat.read(one_chapter, as_version=4)
    nb.cells[0].source = ENGLISH.replace("chapter 02", "chapter 2")
    nbformat.write(nb, one_chapter)
    run = subprocess.run([sys.executable, str(tool), "build", str(one_chapter)],
                         capture_output=True, text=True)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "02_softmax_regression.md: cell intro: stale" in run.stderr
    assert not (tmp_path / "chapters-zh").exists()


def test_a_text_only_rebuild_keeps_the_outputs_and_refuses_when_code_changed(one_chapter,
                                                                              tmp_path):
    out_dir = tmp_path / "chapters-zh"
    out = tr.build(one_chapter, out_dir)
    ran = json.loads(out.read_text(encoding="utf-8"))
    ran["cells"][2]["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["1\n"]}]
    ran["cells"][2]["execution_count"] = 2
    out.write_text(json.dumps(ran), encoding="utf-8")
    zh = tr.translation_path(one_chapter)
    entries = tr.read(zh)
    entries["summary"] = (entries["summary"][0], "## 小结\n\nsoftmax 回归（改写）。")
    tr.write(zh, tr.markdown_cells(one_chapter), entries)
    nb = json.loads(tr.build(one_chapter, out_dir, keep_outputs=True).read_text("utf-8"))
    assert "".join(nb["cells"][3]["source"]).endswith("（改写）。")
    assert (nb["cells"][2]["outputs"], nb["cells"][2]["execution_count"]) == (
        ran["cells"][2]["outputs"], 2)
    english = nbformat.read(one_chapter, as_version=4)
    english.cells[1].source = "x = 2"
    nbformat.write(english, one_chapter)
    with pytest.raises(tr.TranslationError, match="code cells differ.*make zh"):
        tr.build(one_chapter, out_dir, keep_outputs=True)
