"""grading: a submitted notebook is untrusted code.

Each hostile submission is chapter 06's reference solutions with exercise 1's answer cell
starting with something hostile; it must get 0 for exercise 1, full marks for the others,
and leave the instructor's files alone.  Limits are small so the test is fast.
"""

import subprocess
import sys
import textwrap

import nbformat
import pytest
from helpers import CHAPTERS_DIR, build_course, notebook, with_answer, write

from grading import grades

OUTPUT_LIMIT = 100_000
HOSTILE = {
    "loops": "while True:\n    pass\n",
    "allocates_20_gb": "hog = bytearray(20 * 2**30)\n",
    "prints_100_mb": "for _ in range(100):\n    print('x' * 1_000_000)\n",
    "deletes_files": textwrap.dedent("""\
        import os
        import shutil
        for name in os.listdir('.'):
            os.remove(name)  # its own copy: allowed
        shutil.rmtree({source!r})  # the instructor's assignment sources
        """),
    "kills_the_grader": "import os\nos.kill(os.getppid(), 9)\n",
    "runs_a_shell": "import os\nos.system('rm -rf {source}')\n",
}


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    course = tmp_path_factory.mktemp("course")
    (ch,) = build_course(course, [CHAPTERS_DIR / "06_mlp_from_scratch.ipynb"], timeout=15,
                         memory=3 * 2**30, output=OUTPUT_LIMIT).values()
    source = notebook(course, "source", ch)
    subs = tmp_path_factory.mktemp("submissions")
    paths = {"solved": write(source, subs / "solved.ipynb")}
    for student, code in HOSTILE.items():
        code = code.format(source=str(course / "source"))
        paths[student] = write(with_answer(source, 1, lambda s, c=code: c + s),
                               subs / f"{student}.ipynb")
    grades.collect(course, ch.key, paths)
    grades.autograde(course, ch.key)
    return course, ch


@pytest.mark.parametrize("student", HOSTILE)
@pytest.mark.slow
def test_hostile_exercise_scores_zero_and_the_others_are_graded(hostile, student):
    course, ch = hostile
    scores = grades.by_exercise(course, ch.key)
    assert scores["solved"] == {f"exercise-{e.number}-test": 1.0 for e in ch.exercises}
    assert scores[student] == {**scores["solved"], "exercise-1-test": 0.0}
    why = grades.feedback(course, ch.key, student)["exercise-1-test"]
    assert "your exercise cell stopped with" in why, why


@pytest.mark.slow
def test_the_instructors_files_survive(hostile):
    course, ch = hostile
    name = ch.path.stem + "_exercises.ipynb"
    assert (course / "source" / ch.key / name).is_file()
    assert (course / "gradebook.db").is_file()
    for student in HOSTILE:
        assert (course / "submitted" / student / ch.key / name).is_file()


@pytest.mark.slow
def test_a_flood_of_output_is_cut(hostile):
    course, ch = hostile
    path = course / "autograded" / "prints_100_mb" / ch.key / (ch.path.stem + "_exercises.ipynb")
    assert path.stat().st_size < 3 * OUTPUT_LIMIT
    assert "OutputLimitError" in path.read_text()
    nbformat.read(path, as_version=4)


# ------------------------------------------------------------------ the limits themselves
def _child(code):
    """Run ``code`` after grading.sandbox's limits in a fresh Python; (returncode, output)."""
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=60)
    return done.returncode, done.stdout + done.stderr


def test_memory_limit_turns_a_huge_allocation_into_memory_error():
    code, out = _child("""
        from grading import sandbox
        sandbox.set_limits(2**30, 0, 0)
        try:
            bytearray(20 * 2**30)
        except MemoryError:
            print('MemoryError')
        """)
    assert code == 0 and "MemoryError" in out, out


def test_file_guard_allows_the_sandbox_only(tmp_path):
    outside = tmp_path / "instructor.txt"
    outside.write_text("grades")
    (tmp_path / "box").mkdir()
    code, out = _child(f"""
        import os, subprocess
        from grading import sandbox
        sandbox.guard_files({str(tmp_path / 'box')!r})
        open({str(tmp_path / 'box' / 'mine.txt')!r}, 'w').write('ok')
        os.remove({str(tmp_path / 'box' / 'mine.txt')!r})
        open({str(outside)!r}).read()  # reading is fine
        for attempt in (lambda: os.remove({str(outside)!r}),
                        lambda: open({str(outside)!r}, 'a'),
                        lambda: os.rename({str(outside)!r}, 'x'),
                        lambda: subprocess.run(['true'])):
            try:
                attempt()
                print('ALLOWED')
            except PermissionError as err:
                print('refused:', err)
        """)
    assert code == 0, out
    assert out.count("refused: grading:") == 4 and "ALLOWED" not in out, out
    assert outside.read_text() == "grades"
