"""tools/publish.py: the decks' links and the student handouts (`make handouts`)."""

import json
import re
import shutil

import nbformat
import publish
import pytest

CHAPTERS = sorted(publish.CHAPTERS.glob("[0-9A][0-9]_*.ipynb"))


def _cell(kind, source, tags=(), **meta):
    cell = (nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell)(source)
    cell.metadata.update({"slideshow": {"slide_type": "-"}, "tags": list(tags), **meta})
    return cell


def _toy():
    out = nbformat.v4.new_output("stream", name="stdout", text="softmax: correct\n")
    exercise = _cell("code", "def f():\n    raise NotImplementedError\ncheck(f)", ["exercise"])
    exercise.outputs, exercise.execution_count = [out], 3
    solution = _cell("code", "def f():\n    return 1\ncheck(f)", ["solution"],
                     jupyter={"source_hidden": True})
    solution.outputs = [out]
    kept = _cell("code", "x = 1", ["nbval-ignore-output"])
    kept.outputs = [nbformat.v4.new_output("stream", name="stdout", text="1\n")]
    return nbformat.v4.new_notebook(cells=[
        _cell("markdown", "# 9. Toy\n\n## Learning objectives"), kept,
        _cell("markdown", "## Exercises\n\n1. Write f."), exercise,
        _cell("markdown", "## Reference solutions"), solution])


def test_handout_removes_solutions_clears_exercises_and_keeps_the_rest():
    nb = _toy()
    out = publish.handout(nb, "09_toy.ipynb")
    sources = [c.source for c in out.cells]
    assert "handout" in sources[0].lower() and "chapters/09_toy.ipynb" in sources[0]
    assert "solutions" in sources[0]
    assert sources[1:] == [c.source for c in nb.cells[:4]]  # solutions and their heading gone
    exercise = out.cells[4]
    assert exercise.outputs == [] and exercise.execution_count is None
    assert out.cells[2].outputs == nb.cells[1].outputs  # other outputs kept
    assert nb.cells[3].outputs, "the chapter itself must not be modified"
    nbformat.validate(out)


def test_write_handouts_names_a_bad_argument(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.ipynb is not a notebook file"):
        publish.write_handouts([tmp_path / "missing.ipynb"], tmp_path / "out")


@pytest.fixture(scope="module")
def handouts(tmp_path_factory):
    out = tmp_path_factory.mktemp("build") / "handouts"
    return publish.write_handouts(CHAPTERS, out)


def test_every_chapter_gets_a_handout_without_solutions(handouts):
    assert [p.name for p in handouts] == [p.name for p in CHAPTERS]
    assert (handouts[0].parent.parent / "assets").is_dir(), "../assets/ must resolve"
    for path, chapter in zip(handouts, CHAPTERS, strict=True):
        cells = json.loads(path.read_text())["cells"]
        original = json.loads(chapter.read_text())["cells"]
        tags = [c.get("metadata", {}).get("tags", []) for c in cells]
        assert not any("solution" in t for t in tags), f"{path.name} contains a solution cell"
        for cell, t in zip(cells, tags, strict=True):
            if "exercise" in t:
                assert cell["outputs"] == [], f"{path.name}: exercise cell keeps its output"
        n_solutions = sum("solution" in c.get("metadata", {}).get("tags", []) for c in original)
        assert len(cells) <= len(original) + 1 - n_solutions
        assert "handout" in "".join(cells[0]["source"]).lower()


def _runtime_order():
    """Chapters with exercise cells first (they are what a handout changes), small first."""
    def key(path):
        cells = json.loads(path.read_text())["cells"]
        has_exercises = any("exercise" in c.get("metadata", {}).get("tags", []) for c in cells)
        return (not has_exercises, path.stat().st_size)
    return sorted(CHAPTERS, key=key)


@pytest.mark.slow
def test_a_handout_runs_top_to_bottom_and_its_stubs_say_not_yet(handouts, tmp_path):
    """The chapter with exercises that runs fastest: every cell runs, no error output,
    and each exercise stub's self-check prints a verdict (not a traceback)."""
    from nbconvert.preprocessors import ExecutePreprocessor

    chapter = _runtime_order()[0]
    work = tmp_path / "course"
    shutil.copytree(handouts[0].parent, work / "chapters")
    shutil.copytree(publish.ASSETS, work / "assets")
    nb = nbformat.read(work / "chapters" / chapter.name, as_version=4)
    ExecutePreprocessor(timeout=600, kernel_name="python3").preprocess(
        nb, {"metadata": {"path": str(work / "chapters")}})
    for i, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        for out in cell.outputs:
            assert out.output_type != "error", f"{chapter.name} handout cell {i}: {out.ename}"
        if "exercise" in cell.metadata.get("tags", []):
            text = "".join(o.get("text", "") for o in cell.outputs)
            assert text.strip(), f"{chapter.name} handout cell {i}: the self-check said nothing"
            assert not re.search(r":\s*correct\.?\s*$", text, re.M), (
                f"{chapter.name} handout cell {i}: a stub passes its self-check: {text!r}")


def test_finished_decks_recentre_slides_after_mathjax_and_keep_formulas_whole(tmp_path):
    """On nbconvert's own reveal template, as `make slides` runs it (the behaviour in a
    browser is tests/test_browser.py's): the re-render callback lays the slide out again,
    automatic line-breaking is off, and finishing twice changes nothing."""
    from nbconvert import SlidesExporter

    nb = nbformat.v4.new_notebook(cells=[_cell("markdown", "# 9. Toy\n\n$$y = \\sum_j x_j$$")])
    html, _ = SlidesExporter().from_notebook_node(nb)
    assert publish._RERENDER in html and "automatic: true" in html, (
        "nbconvert's reveal template changed: update tools/publish.py's MathJax fixes")
    deck = tmp_path / "slides" / f"toy{publish.DECK_SUFFIX}"
    deck.parent.mkdir()
    deck.write_text(html, encoding="utf-8")
    publish.finish_decks(deck.parent)
    once = deck.read_text(encoding="utf-8")
    assert publish._RERENDER not in once and once.count("MathJax.Hub.Rerender(") == 1
    assert "Reveal.layout();  // tools/publish.py" in once
    assert "Reveal.dispatchEvent({type: 'mathrendered'})" in once
    assert re.search(r"linebreaks:\s*\{\s*automatic:\s*false", once)
    publish.finish_decks(deck.parent)
    assert deck.read_text(encoding="utf-8") == once


def test_finished_decks_have_the_course_style_and_load_nothing_from_the_network(tmp_path):
    """nbconvert's reveal template imports mermaid from cdnjs and its default theme
    @imports Google Fonts; a finished deck has neither, uses the local-font theme, and
    has the course's CSS and figure sizing, slide numbers and slides laid out from the
    top (tests/test_browser.py checks what that looks like)."""
    from nbconvert import SlidesExporter

    nb = nbformat.v4.new_notebook(cells=[_cell("markdown", "# 9. Toy")])
    vendor = "vendor/node_modules"  # as the Makefile's REVEAL_OFFLINE, when npm is there
    html, _ = SlidesExporter(
        reveal_url_prefix=f"{vendor}/reveal.js",
        mathjax_url=f"{vendor}/mathjax/MathJax.js?config=TeX-AMS_CHTML-full,Safe",
        require_js_url=f"{vendor}/requirejs/require.js",
        jquery_url=f"{vendor}/jquery/dist/jquery.min.js").from_notebook_node(nb)
    assert "import mermaid from 'https://" in html and "/dist/theme/simple.css" in html, (
        "nbconvert's reveal template changed: update tools/publish.py's course_style")
    assert publish._SLIDE_NUMBER.search(html)
    styled = publish.course_style(html)
    assert "mermaid" not in styled and "/dist/theme/white.css" in styled
    assert "center: false" in styled and "Reveal.getIndices(slide)" in styled
    assert "d2lDeck.fitFigures(event.currentSlide" in styled
    assert (publish.DECK_STYLE / "course.css").read_text() in styled
    assert (publish.DECK_STYLE / "course.js").read_text() in styled
    # Nothing left that a browser would fetch from a host: the template's comments and
    # links to documentation are not requests.
    for url in re.findall(r'(?:src|href)="(https?://[^"]+)"|@import url\((https?://[^)]+)',
                          styled):
        pytest.fail(f"the deck loads {url}")
    assert publish.course_style(styled) == styled
