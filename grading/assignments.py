"""Write a chapter's exercises as an nbgrader assignment: instructor source, student release,
and the autograder (hidden tests and points, in nbgrader's gradebook).

    course/
      nbgrader_config.py           the course's nbgrader settings (grading.course)
      source/ch06/06_mlp_from_scratch_exercises.ipynb     instructor: reference solutions,
                                                           hidden tests with points
      release/ch06/06_mlp_from_scratch_exercises.ipynb    students: the chapter's stubs, no
                                                           solutions, no hidden tests
      gradebook.db                 nbgrader's database: the hidden tests and their points

The assignment notebook holds the chapter cells the exercises need (locked; see
grading.dependencies), then the chapter's Exercises section with, per exercise, the answer
cell (the stub for students, the reference solution for the instructor) and a locked hidden
test worth the exercise's points.
"""

import copy
import os
import subprocess
import sys
from pathlib import Path

import nbformat

from .exercises import Exercise, read_chapter

HEADER = """\
# Exercises: {title}

The exercises of `chapters/{chapter}`, as an assignment. Read the chapter first.

1. Run the setup cells (they are the chapter's cells the exercises use; you cannot edit them).
2. Fill in each exercise cell and run it: its self-check prints `correct`, or says what is
   still wrong.
3. Save and hand in this notebook under its own name.

Grading runs the same self-checks ({points} point(s) in all, per exercise as marked). An
exercise cell must run to its end within the time and memory limits; output past the limit
stops it."""

NOTEBOOK_SUFFIX = "_exercises.ipynb"


def _meta(cell, grade_id, *, solution=False, grade=False, locked=False, points=None):
    cell.metadata = {"nbgrader": {"grade": grade, "grade_id": grade_id, "locked": locked,
                                  "schema_version": 3, "solution": solution, "task": False}}
    if points is not None:
        cell.metadata["nbgrader"]["points"] = points
    if locked:
        cell.metadata.update(deletable=False, editable=False)
    return cell


def source_notebook(chapter):
    """The instructor's nbgrader source notebook of a :class:`~grading.exercises.Chapter`."""
    v4 = nbformat.v4
    total = sum(e.points for e in chapter.exercises)
    cells = [v4.new_markdown_cell(HEADER.format(title=chapter.title, chapter=chapter.path.name,
                                                points=total)),
             v4.new_markdown_cell(f"## Setup\n\nThe cells of `{chapter.path.name}` that the "
                                  "exercises use, in the chapter's order.")]
    for i, cell in enumerate(chapter.setup):
        cells.append(_meta(v4.new_code_cell(cell.source), f"setup-{i + 1}", locked=True))
    for item in chapter.section:
        if isinstance(item, Exercise):
            n = item.number
            # The stub's imports stay outside the solution: the solution uses them too.
            imports = "".join(line + "\n" for line in item.imports)
            answer = f"{imports}### BEGIN SOLUTION\n{item.answer}\n### END SOLUTION"
            cells.append(_meta(v4.new_code_cell(answer), f"exercise-{n}", solution=True))
            test = (f"# Exercise {n}: hidden test, {item.points} point(s)\n"
                    f"### BEGIN HIDDEN TESTS\n{item.hidden_test()}\n### END HIDDEN TESTS")
            cells.append(_meta(v4.new_code_cell(test), f"exercise-{n}-test", grade=True,
                               locked=True, points=item.points))
        elif item.cell_type == "markdown":
            cells.append(v4.new_markdown_cell(item.source))
        else:
            k = sum(1 for c in cells if c.cell_type == "code")
            cells.append(_meta(v4.new_code_cell(item.source), f"section-{k}", locked=True))
    nb = v4.new_notebook(cells=cells)
    nb.metadata = {"kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python",
                                  "name": "python3"},
                   "language_info": {"name": "python"}}
    nbformat.validator.normalize(nb)
    return nb


def restore_stubs(release, chapter):
    """The release notebook with each answer cell holding the chapter's own stub (nbgrader
    puts a generic "YOUR CODE HERE" there), checksums updated."""
    from nbgrader.utils import compute_checksum

    release = copy.deepcopy(release)
    stubs = {f"exercise-{e.number}": e.stub for e in chapter.exercises}
    for cell in release.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id in stubs:
            cell.source = stubs[grade_id]
            cell.metadata["nbgrader"]["checksum"] = compute_checksum(cell)
    return release


def nbgrader(course_dir, *args):
    """Run the nbgrader command line in ``course_dir`` (where nbgrader_config.py is);
    CalledProcessError with its output if it fails."""
    cmd = [sys.executable, "-m", "nbgrader", *args]
    # nbgrader runs `alembic` from PATH: the one next to this Python.
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    done = subprocess.run(cmd, cwd=course_dir, capture_output=True, text=True,
                          env={**os.environ, "PATH": path})
    if done.returncode:
        raise subprocess.CalledProcessError(done.returncode, cmd, done.stdout, done.stderr)
    return done.stdout + done.stderr


def build(course_dir, chapter_path):
    """Write the source, generate the release and gradebook entries of one chapter; returns
    the :class:`~grading.exercises.Chapter`.  Replaces an earlier build of it."""
    course_dir = Path(course_dir)
    chapter = read_chapter(chapter_path)
    name = chapter.path.stem + NOTEBOOK_SUFFIX
    src = course_dir / "source" / chapter.key / name
    src.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(source_notebook(chapter), src)
    nbgrader(course_dir, "generate_assignment", chapter.key, "--force")
    rel = course_dir / "release" / chapter.key / name
    nbformat.write(restore_stubs(nbformat.read(rel, as_version=4), chapter), rel)
    return chapter
