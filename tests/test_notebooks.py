"""What a student or instructor relies on in every committed notebook, checked
without running it (nbval in `make test` re-runs and compares the outputs).
The conventions are in chapters/README.md."""

import json
import re
from pathlib import Path

import pytest

CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"
NOTEBOOKS = sorted(CHAPTERS.glob("[0-9][0-9]_*.ipynb"))
EXPECTED = [
    "00_getting_started.ipynb",
    "01_fashion_mnist.ipynb",
    "02_softmax_regression.ipynb",
    "03_softmax_from_scratch.ipynb",
    "04_softmax_concise_gluon.ipynb",
    "08_backprop_numpy.ipynb",
    "10_optimization.ipynb",
    "11_training_in_practice.ipynb",
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


def test_relative_links_point_at_files_that_exist(nb):
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for target in re.findall(r"\]\(([^)#\s]+)", _text(cell, "source")):
            if "://" not in target:
                assert (CHAPTERS / target).exists(), f"broken link {target}"


def test_suite_runs_nbval_in_compare_mode():
    makefile = (CHAPTERS.parent / "Makefile").read_text()
    assert "--nbval " in makefile and "--nbval-lax" not in makefile


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
