"""What a student or instructor relies on in every committed notebook, checked
without running it (nbval in `make test` re-runs and compares the outputs).
The conventions are in chapters/README.md."""

import json
import re
from pathlib import Path

import pytest

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"
# Chapters first, then the appendices (A1_..., as the Makefile's NOTEBOOKS).
NOTEBOOKS = sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb")) + sorted(CHAPTERS.glob("A[0-9]_*.ipynb"))
EXPECTED = [
    "00_getting_started.ipynb",
    "01_fashion_mnist.ipynb",
    "02_softmax_regression.ipynb",
    "03_softmax_from_scratch.ipynb",
    "04_softmax_concise_gluon.ipynb",
    "05_hyperparameters.ipynb",
    "06_mlp_from_scratch.ipynb",
    "07_mlp_concise_gluon.ipynb",
    "08_backprop_numpy.ipynb",
    "09_regularization.ipynb",
    "10_optimization.ipynb",
    "11_training_in_practice.ipynb",
    "A1_tf1_to_mxnet.ipynb",
]
SLIDE_TYPES = {"slide", "subslide", "fragment", "-", "skip", "notes"}
# Absolute paths and machine-specific places that must not appear in a notebook.
MACHINE_SPECIFIC = re.compile(r"(/home/\w|/root/|/Users/\w|/tmp/|/work/|[A-Z]:\\\\|site-packages)")


def _load(path):
    return json.loads(path.read_text())


def _text(cell_or_output, key):
    value = cell_or_output.get(key, "")
    return "".join(value) if isinstance(value, list) else value


def _code(nb):
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def test_the_course_has_its_chapters_in_teaching_order():
    assert [p.name for p in NOTEBOOKS] == EXPECTED


@pytest.fixture(params=NOTEBOOKS, ids=lambda p: p.name)
def nb(request):
    return _load(request.param)


def test_committed_from_one_clean_top_to_bottom_run(nb):
    counts = [c["execution_count"] for c in _code(nb)]
    assert counts == list(range(1, len(counts) + 1)), (
        "execution counts are not 1..n: re-run with `make execute`"
    )


def test_no_errors_and_nothing_on_stderr(nb):
    for i, cell in enumerate(_code(nb)):
        for out in cell.get("outputs", []):
            assert out["output_type"] != "error", f"code cell {i} stored an error"
            assert not (out["output_type"] == "stream" and out["name"] == "stderr"), (
                f"code cell {i} printed on stderr: {_text(out, 'text')[:200]!r}"
            )


def test_no_absolute_or_machine_specific_paths(nb):
    for i, cell in enumerate(nb["cells"]):
        texts = [_text(cell, "source")]
        for out in cell.get("outputs", []):
            texts.append(_text(out, "text"))
            texts.extend(_text(out.get("data", {}), k) for k in ("text/plain", "text/html"))
        for text in texts:
            match = MACHINE_SPECIFIC.search(text)
            assert not match, f"cell {i} contains {match.group(0)!r}: {text[:120]!r}"


def test_starts_with_objectives_and_ends_with_summary_and_exercises(nb):
    markdown = [_text(c, "source") for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert re.search(r"learning objectives", markdown[0], re.I)
    assert any(re.match(r"#+ *Summary", m) for m in markdown)
    exercises = [m for m in markdown if re.match(r"#+ *Exercises", m)]
    assert len(exercises) == 1
    items = re.findall(r"^\d+\. ", exercises[0], re.M)
    assert 3 <= len(items) <= 5, f"{len(items)} exercises; the convention is 3-5"


def test_every_cell_has_slide_metadata(nb):
    for i, cell in enumerate(nb["cells"]):
        slide_type = cell.get("metadata", {}).get("slideshow", {}).get("slide_type")
        assert slide_type in SLIDE_TYPES, f"cell {i} has slide_type {slide_type!r}"
    assert nb["cells"][0]["metadata"]["slideshow"]["slide_type"] == "slide"


def test_seeds_are_set_in_the_first_code_cell(nb):
    first = _text(_code(nb)[0], "source")
    assert "set_seed(" in first


def test_ignored_outputs_are_checked_by_the_next_cell(nb):
    code = _code(nb)
    for i, cell in enumerate(code):
        tags = cell.get("metadata", {}).get("tags", [])
        assert "nbval-skip" not in tags, f"code cell {i}: cells are never skipped"
        if "nbval-ignore-output" in tags:
            assert i + 1 < len(code) and "assert" in _text(code[i + 1], "source"), (
                f"code cell {i} ignores its output but the next code cell asserts nothing"
            )


REPO = CHAPTERS.parent
# Markdown links and images, and HTML src/href attributes in markdown cells.
LINK = re.compile(r"\]\(\s*<?([^)>\s]+)|\b(?:src|href)\s*=\s*[\"']([^\"']+)")


def _relative_targets(nb):
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "markdown":
            continue
        for groups in LINK.findall(_text(cell, "source")):
            target = next(g for g in groups if g).split("#")[0]
            if target and not re.match(r"^[a-z][a-z0-9+.-]*:", target, re.I):
                yield i, target


def _lab_root():
    """The folder `make lab` serves: LAB_DIR, tools/lab.py's --dir (its root_dir)."""
    makefile = (REPO / "Makefile").read_text()
    assert "tools/lab.py --port $(LAB_PORT) --dir $(LAB_DIR)" in makefile
    root = re.search(r"^LAB_DIR \?= (\S+)$", makefile, re.M).group(1)
    return (REPO / root).resolve()


def test_relative_links_work_in_a_viewer_in_lab_and_in_the_decks(nb):
    """Every image and link works in three places.

    * a plain viewer of the repository (GitHub, VS Code): relative to chapters/;
    * `make lab`: JupyterLab serves files only below its root_dir, so the target
      must lie inside it (chapters/ alone would 404 on ../assets/);
    * the `make slides` decks in build/slides/: chapter links become links to the
      other decks and ../assets/ is copied to build/assets/ (tools/publish.py).
    tests/test_browser.py checks the same in Chromium, on the real lab and decks.
    """
    from publish import DECK_SUFFIX, deck_href

    lab_root = _lab_root()
    chapters = {p.name for p in NOTEBOOKS}
    for i, target in _relative_targets(nb):
        where = f"cell {i}: link {target!r}"
        path = (CHAPTERS / target).resolve()
        assert path.exists(), f"{where}: no such file relative to chapters/ (plain viewer)"
        assert path.is_relative_to(lab_root), (
            f"{where}: outside {lab_root.name or lab_root}/, which `make lab` serves (404 there)")
        in_deck = deck_href(target)
        if in_deck.endswith(DECK_SUFFIX):
            assert target in chapters, f"{where}: a deck is built only for chapters"
        else:
            assert path.is_relative_to(REPO / "assets"), (
                f"{where}: the decks in build/slides/ see only assets/ (copied to "
                "build/assets/) and the other chapters; put the file in assets/")


def test_deck_links_point_at_the_other_decks():
    from publish import deck_href

    assert deck_href("02_softmax_regression.ipynb") == "02_softmax_regression.slides.html"
    assert deck_href("03_x.ipynb#Training") == "03_x.slides.html#Training"
    for unchanged in ("../assets/net.svg", "https://d2l.ai/x.ipynb", "#Exercises", "notes.md"):
        assert deck_href(unchanged) == unchanged


def test_suite_runs_nbval_in_compare_mode():
    makefile = (CHAPTERS.parent / "Makefile").read_text()
    assert "--nbval " in makefile and "--nbval-lax" not in makefile


@pytest.mark.slow
def test_slides_render_as_a_deck_with_the_notebook_structure():
    """`make slides` uses nbconvert's SlidesExporter: each slide is a <section>
    holding one <section> per sub-slide, notes become speaker notes, fragments
    appear one by one."""
    import nbformat
    from nbconvert import SlidesExporter

    for path in NOTEBOOKS:
        nb = nbformat.read(path, as_version=4)
        kinds = [c.metadata.slideshow.slide_type for c in nb.cells]
        html, _ = SlidesExporter().from_notebook_node(nb)
        assert html.count("<section") == 2 * kinds.count("slide") + kinds.count("subslide"), path
        assert html.count('class="notes"') == kinds.count("notes"), path
        assert html.count('class="fragment"') == kinds.count("fragment"), path


def test_a_training_log_is_one_block_under_its_live_plot(nb):
    """`d2l.train_ch3` shows its plot before the first epoch line, and `make execute` stores
    consecutive printed lines as one output, so the log reads as one block under the figure."""
    for i, cell in enumerate(_code(nb)):
        if "train_ch3(" not in _text(cell, "source"):
            continue
        kinds = [(o["output_type"], o.get("name")) for o in cell.get("outputs", [])]
        streams = [k for k in kinds if k[0] == "stream"]
        assert len(streams) == len(set(streams)), (
            f"code cell {i}: the log is split into {len(streams)} outputs; re-run with "
            "`make execute`, which merges consecutive printed lines")
        figures = [j for j, k in enumerate(kinds) if k[0] == "display_data"]
        if figures and streams:
            assert kinds.index(("stream", "stdout")) > figures[0], (
                f"code cell {i}: printed text comes before the live plot")
