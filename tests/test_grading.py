"""grading: assignments from the chapters' own tags, graded with nbgrader.

The end-to-end test builds three chapters' assignments (02, 06, 09) and grades, for each, the
untouched student release, the reference solutions and a submission with one wrong answer.
"""

import ast
import time

import nbformat
import pytest
from helpers import CHAPTERS_DIR, build_course, notebook, replaced, with_answer, write

from grading import grades
from grading.__main__ import main
from grading.dependencies import cell_names, needed_cells, unavailable
from grading.exercises import ChapterError, read_chapter

CHAPTERS = sorted(CHAPTERS_DIR.glob("[0-9A][0-9]_*.ipynb"))
GRADED = {  # chapter: (exercise made wrong, old text, wrong text)
    "02_softmax_regression.ipynb": (4, "answer = 'b'", "answer = 'a'"),
    "06_mlp_from_scratch.ipynb": (2, "nd.maximum(X, alpha * X)", "nd.maximum(X, 0)"),
    "09_regularization.ipynb": (2, "'b': 'high bias'", "'b': 'high variance'"),
}


# ------------------------------------------------------------------ reading the chapters
@pytest.mark.parametrize("path", CHAPTERS, ids=lambda p: p.stem)
def test_every_chapter_reads_as_an_assignment(path):
    chapter = read_chapter(path)
    assert 3 <= len(chapter.exercises) <= 5
    for ex in chapter.exercises:
        assert ex.checks and all(".check_" in c or c.startswith("check_") for c in ex.checks)
        ast.parse(ex.hidden_test())
        assert ex.stub in [c.source for c in _tagged(path, "exercise")]
    first_code = next(c for c in _cells(path) if c.cell_type == "code")
    assert chapter.setup[0].source == first_code.source  # imports and seeds always run


def _cells(path):
    return nbformat.read(path, as_version=4).cells


def _tagged(path, tag):
    return [c for c in _cells(path) if tag in c.metadata.get("tags", [])]


def test_setup_is_what_the_exercises_use_not_the_chapter():
    ch06 = read_chapter(CHAPTERS_DIR / "06_mlp_from_scratch.ipynb")
    # exercise 5 compares settings on the data with the chapter's loss and relu: the cells
    # that define them are re-run, the chapter's Fashion-MNIST training cells are not
    setup = "\n".join(c.source for c in ch06.setup)
    assert "train_iter, valid_iter = d2l.split_train_valid" in setup and "def relu" in setup
    code = [c for c in _cells(ch06.path) if c.cell_type == "code"]
    trains = [c for c in code if "train_ch3(" in c.source and "train_iter" in c.source]
    assert trains and not any(c in ch06.setup for c in trains)
    assert len(ch06.setup) < len(code) / 3
    ch02 = read_chapter(CHAPTERS_DIR / "02_softmax_regression.ipynb")
    sources = "\n".join(c.source for c in ch02.setup)
    assert "def logsumexp" in sources and "O_big =" in sources  # the solutions use them
    assert len(ch02.setup) < sum(1 for c in _cells(ch02.path) if c.cell_type == "code") / 3


def test_training_runs_are_left_out_unless_a_stub_needs_them():
    ch05 = read_chapter(CHAPTERS_DIR / "05_hyperparameters.ipynb")
    assert not any("nbval-ignore-output" in c.metadata.get("tags", []) for c in ch05.setup)
    first = ch05.exercises[0]
    assert [first.solution.splitlines()[i] for i in first.omitted] == [
        "print('on this chapter\\'s sweep:', pick_learning_rate(lr_results, 0.02))"]
    code = [line for line in first.answer.splitlines() if not line.startswith("#")]
    assert not any("lr_results" in line for line in code)
    assert unavailable(["import d2l", "r = d2l.sweep()", "best = max(r)", "r = 1", "s = r"],
                       {1}) == ({1, 2}, {"best"})


def test_names_a_cell_needs_follow_python_scopes():
    names = cell_names("import m\ndef f(X):\n    return X + net(y)\nnet.initialize()\n"
                       "z = [i * k for i in range(3)]\nm.train(z)")
    assert names.uses == {"net", "y", "k"}  # not X (a parameter), i (comprehension), m
    assert names.binds == {"m", "f", "z"} and names.changes == {"net"}


def test_needed_cells_takes_the_last_binding_and_later_changes_only():
    sources = ["import d2l\nd2l.set_seed(0)", "net = 1", "net = make()", "d2l.train(net)",
               "net.initialize()", "other = 2", "def make():\n    return other"]
    assert needed_cells(sources, {"net"}) == [0, 2, 4]
    assert needed_cells(sources, set()) == [0]
    assert needed_cells(sources, {"make"}) == [0, 5, 6]


def test_a_chapter_without_matching_solutions_is_named(tmp_path):
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# 9. Toy"), nbformat.v4.new_code_cell("import x"),
        nbformat.v4.new_markdown_cell("## Exercises\n\n1. f"),
        nbformat.v4.new_code_cell("def f():\n    raise NotImplementedError\ncheck_f(f)",
                                  metadata={"tags": ["exercise"]})])
    nbformat.write(nb, tmp_path / "09_toy.ipynb")
    with pytest.raises(ChapterError, match="09_toy.ipynb: 1 code cell.*0 tagged 'solution'"):
        read_chapter(tmp_path / "09_toy.ipynb")


# ------------------------------------------------------------------ build and grade
@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Three chapters built, three submissions each, autograded; with seconds per notebook."""
    course = tmp_path_factory.mktemp("course")
    chapters = build_course(course, [CHAPTERS_DIR / name for name in GRADED],
                            timeout=60, memory=3 * 2**30)
    subs = tmp_path_factory.mktemp("submissions")
    seconds = {}
    for name, (n, old, new) in GRADED.items():
        ch = next(c for c in chapters.values() if c.path.name == name)
        release, source = notebook(course, "release", ch), notebook(course, "source", ch)
        grades.collect(course, ch.key, {
            "untouched": write(release, subs / f"{ch.key}-untouched.ipynb"),
            "solved": write(source, subs / f"{ch.key}-solved.ipynb"),
            "one_wrong": write(with_answer(source, n, replaced(old, new)),
                               subs / f"{ch.key}-wrong.ipynb")})
        start = time.perf_counter()
        grades.autograde(course, ch.key)
        seconds[ch.key] = (time.perf_counter() - start) / 3
    print("\nseconds per graded notebook:", {k: round(v, 1) for k, v in seconds.items()})
    return course, chapters


@pytest.mark.slow
def test_release_has_the_chapters_stubs_and_no_solutions_or_hidden_tests(graded):
    course, chapters = graded
    for ch in chapters.values():
        release = notebook(course, "release", ch)
        text = "\n".join(c.source for c in release.cells)
        assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
        assert "grading.verdict" not in text and "require(" not in text
        for ex in ch.exercises:
            assert ex.stub in text
            body = ex.solution.strip().splitlines()
            assert not all(line in text for line in body if line.strip()), ex.number
        source = "\n".join(c.source for c in notebook(course, "source", ch).cells)
        assert all(ex.solution in source and ex.hidden_test() in source for ex in ch.exercises)


@pytest.mark.slow
def test_untouched_scores_zero_solved_full_one_wrong_loses_that_exercise(graded):
    course, chapters = graded
    for name, (n, _, _) in GRADED.items():
        ch = next(c for c in chapters.values() if c.path.name == name)
        scores = grades.by_exercise(course, ch.key)
        points = {f"exercise-{e.number}-test": float(e.points) for e in ch.exercises}
        assert scores["untouched"] == dict.fromkeys(points, 0.0), name
        assert scores["solved"] == points, name
        assert scores["one_wrong"] == {**points, f"exercise-{n}-test": 0.0}, name


@pytest.mark.slow
def test_feedback_is_the_self_checks_hint(graded):
    course, chapters = graded
    for name, (n, _, _) in GRADED.items():
        ch = next(c for c in chapters.values() if c.path.name == name)
        wrong = grades.feedback(course, ch.key, "one_wrong")[f"exercise-{n}-test"]
        check = ch.exercises[n - 1].checks[0].split("(")[0].split(".")[-1]
        assert f"{check}: wrong: " in wrong, wrong
        assert "Traceback" not in wrong
        untouched = grades.feedback(course, ch.key, "untouched")
        assert all(": not yet: " in text for text in untouched.values()), untouched


@pytest.mark.slow
def test_grades_csv_has_a_row_per_student_and_exercise(graded, tmp_path):
    course, chapters = graded
    rows = grades.write_csv(course, tmp_path / "grades.csv")
    assert len(rows) == 3 * sum(len(ch.exercises) for ch in chapters.values())
    text = (tmp_path / "grades.csv").read_text()
    assert text.startswith("student,assignment,exercise,score,max_score")
    assert "solved,ch06,exercise-1,1.0,1.0" in text.replace("\r", "")


@pytest.mark.slow
def test_untouched_release_runs_without_an_error(graded):
    course, chapters = graded
    for ch in chapters.values():
        path = course / "autograded" / "untouched" / ch.key / (ch.path.stem + "_exercises.ipynb")
        nb = nbformat.read(path, as_version=4)
        errors = [c.source[:60] for c in nb.cells if c.cell_type == "code"
                  and not c.metadata.get("nbgrader", {}).get("grade")
                  and any(o.output_type == "error" for o in c.outputs)]
        assert errors == [], (ch.key, errors)


def test_command_line_names_what_is_missing(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["grade", str(tmp_path)]) == 2
    assert "nothing in" in capsys.readouterr().err
    assert main(["collect", str(tmp_path), "ch06", str(tmp_path / "empty")]) == 2
    assert "no <student_id>.ipynb files" in capsys.readouterr().err
