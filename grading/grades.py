"""Collect submissions, autograde them with nbgrader, and read the grades back.

    collect(course, "ch06", {"alice": "alice.ipynb"})   # into submitted/alice/ch06/
    autograde(course, "ch06")                            # every submission of ch06
    by_exercise(course, "ch06")   -> {"alice": {"exercise-1": 1.0, ...}}
    feedback(course, "ch06", "alice") -> {"exercise-1": "the test cell's output", ...}
    write_csv(course, "grades.csv")   # one row per student and exercise, plus totals

nbgrader keeps the grades in gradebook.db; ``nbgrader export`` writes its own CSV (one row
per student and assignment), ``write_csv`` one row per exercise.
"""

import csv
import shutil
from pathlib import Path

import nbformat

from .assignments import NOTEBOOK_SUFFIX, nbgrader


def _notebook_name(course_dir, key):
    names = sorted((Path(course_dir) / "source" / key).glob("*" + NOTEBOOK_SUFFIX))
    if len(names) != 1:
        raise FileNotFoundError(f"{course_dir}/source/{key}/ holds {len(names)} assignment "
                                "notebooks, expected 1: run `make assignments` first")
    return names[0].name


def collect(course_dir, key, submissions):
    """Copy each student's notebook (``{student_id: path}``) to where nbgrader grades it,
    under the assignment notebook's name; returns the copies' paths."""
    name = _notebook_name(course_dir, key)
    copies = []
    for student, path in submissions.items():
        path = Path(path)
        if not path.is_file():
            raise FileNotFoundError(f"collect: {student}'s submission {path} does not exist")
        nbformat.read(path, as_version=4)  # a broken file is named here, not mid-grading
        target = Path(course_dir) / "submitted" / student / key / name
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, target)
        copies.append(target)
    return copies


def autograde(course_dir, key):
    """``nbgrader autograde`` every submission of assignment ``key``; returns nbgrader's log."""
    return nbgrader(course_dir, "autograde", key, "--force")


def _gradebook(course_dir):
    from nbgrader.api import Gradebook
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", str(course_dir)).load_config()
    db = f"sqlite:///{Path(course_dir).resolve() / 'gradebook.db'}"
    return Gradebook(db, config.CourseDirectory.course_id)


def by_exercise(course_dir, key):
    """``{student: {grade_id: score}}`` for assignment ``key`` (hidden tests only)."""
    name = _notebook_name(course_dir, key).removesuffix(".ipynb")
    with _gradebook(course_dir) as gb:
        out = {}
        for sub in gb.assignment_submissions(key):
            nb = gb.find_submission_notebook(name, key, sub.student_id)
            out[sub.student_id] = {g.name: g.score for g in nb.grades}
        return out


def feedback(course_dir, key, student):
    """``{grade_id: text}``: what each hidden test printed for ``student`` (the self-check's
    verdict line, and why the exercise did not count, if it did not)."""
    path = Path(course_dir) / "autograded" / student / key / _notebook_name(course_dir, key)
    nb = nbformat.read(path, as_version=4)
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and cell.cell_type == "code":
            text = []
            for o in cell.outputs:
                text.append(o.get("text", "") if o.output_type == "stream"
                            else "\n".join(o.get("traceback", [])))
            out[meta["grade_id"]] = "".join(text).strip()
    return out


def write_csv(course_dir, path):
    """One row per student, assignment and exercise, with score and maximum; returns rows."""
    rows = []
    with _gradebook(course_dir) as gb:
        for assignment in gb.assignments:
            for sub in gb.assignment_submissions(assignment.name):
                for nb in sub.notebooks:
                    for g in sorted(nb.grades, key=lambda g: g.name):
                        rows.append({"student": sub.student_id, "assignment": assignment.name,
                                     "exercise": g.name.removesuffix("-test"),
                                     "score": g.score, "max_score": g.max_score})
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, ["student", "assignment", "exercise", "score", "max_score"])
        writer.writeheader()
        writer.writerows(rows)
    return rows
