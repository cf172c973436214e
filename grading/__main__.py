"""Assignments from the chapters, graded with nbgrader (README, "For instructors").

    python -m grading assignments build/course chapters/06_mlp_from_scratch.ipynb ...
    python -m grading collect build/course ch06 downloads/ch06/   # <student_id>.ipynb files
    python -m grading grade build/course                           # -> build/course/grades.csv

``make assignments`` and ``make grade`` run these with the course's virtual environment.
"""

import argparse
import subprocess
import sys
import time
from pathlib import Path

from . import assignments, course, grades
from .exercises import ChapterError


def _assignments(args):
    config = Path(args.course_dir) / "nbgrader_config.py"
    if not config.exists():  # an instructor's edited limits are kept
        course.write_config(args.course_dir)
    for path in args.chapters:
        ch = assignments.build(args.course_dir, path)
        points = sum(e.points for e in ch.exercises)
        print(f"{ch.key}: {len(ch.exercises)} exercises, {points} points, "
              f"{len(ch.setup)} setup cell(s) -> {args.course_dir}/release/{ch.key}/")
    print(f"Instructor sources in {args.course_dir}/source/, student releases in "
          f"{args.course_dir}/release/, hidden tests in {args.course_dir}/gradebook.db")


def _collect(args):
    folder = Path(args.folder)
    subs = {p.stem: p for p in sorted(folder.glob("*.ipynb"))}
    if not subs:
        raise FileNotFoundError(f"collect: no <student_id>.ipynb files in {folder}")
    grades.collect(args.course_dir, args.assignment, subs)
    print(f"{len(subs)} submission(s) of {args.assignment} copied to "
          f"{args.course_dir}/submitted/<student_id>/{args.assignment}/")


def _grade(args):
    root = Path(args.course_dir)
    keys = args.assignments or sorted({p.name for p in root.glob("submitted/*/*") if p.is_dir()})
    if not keys:
        raise FileNotFoundError(f"grade: nothing in {root}/submitted/; collect submissions first")
    for key in keys:
        start = time.perf_counter()
        grades.autograde(root, key)
        scores = grades.by_exercise(root, key)
        print(f"{key}: {len(scores)} notebook(s) graded in {time.perf_counter() - start:.0f} s")
        for student, by_test in sorted(scores.items()):
            print(f"  {student}: {sum(by_test.values()):g} point(s), "
                  f"{sum(1 for v in by_test.values() if v)} of {len(by_test)} exercise(s)")
    rows = grades.write_csv(root, args.csv or root / "grades.csv")
    print(f"{len(rows)} grade(s) written to {args.csv or root / 'grades.csv'}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m grading", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    a = sub.add_parser("assignments", help="build source, release and hidden tests")
    a.add_argument("course_dir")
    a.add_argument("chapters", nargs="+")
    c = sub.add_parser("collect", help="copy <student_id>.ipynb files in to be graded")
    c.add_argument("course_dir")
    c.add_argument("assignment", help="e.g. ch06")
    c.add_argument("folder")
    g = sub.add_parser("grade", help="autograde submissions, write grades.csv")
    g.add_argument("course_dir")
    g.add_argument("assignments", nargs="*", help="default: every assignment with submissions")
    g.add_argument("--csv", help="default: COURSE_DIR/grades.csv")
    args = parser.parse_args(argv)
    try:
        {"assignments": _assignments, "collect": _collect, "grade": _grade}[args.command](args)
    except (ChapterError, FileNotFoundError, SyntaxError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except subprocess.CalledProcessError as err:  # nbgrader's own log says what went wrong
        print(f"{err.stdout}{err.stderr}\nerror: {' '.join(err.cmd[1:])} failed (log above)",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
