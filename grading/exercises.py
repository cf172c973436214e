"""A chapter's exercises as the grading tools see them, read from the chapter's own tags.

The chapter is the single source (chapters/README.md, "Exercises, self-checks and reference
solutions"): after the ``## Exercises`` heading, one code cell tagged ``exercise`` per
exercise (the stub and the call of its self-check from ``d2l_utils.checks``), then, in the
same order, one code cell tagged ``solution`` per exercise.  Nothing is copied by hand:

- the student's stub is the ``exercise`` cell;
- the reference solution is the matching ``solution`` cell;
- the hidden test calls the self-checks the stub calls (the ``check_*(...)`` statements of
  the ``exercise`` cell, with the imports they need) and requires each verdict to be True.

An exercise is worth 1 point unless its ``exercise`` cell has ``"grading": {"points": n}``
in its metadata.
"""

import ast
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from .dependencies import cell_names, needed_cells, unavailable

EXERCISE_TAG, SOLUTION_TAG = "exercise", "solution"
TRAINING_TAG = "nbval-ignore-output"  # the chapters' training runs (chapters/README.md)
_EXERCISES_HEADING = re.compile(r"^#+\s*Exercises\b", re.M)
_SOLUTIONS_HEADING = re.compile(r"^#+\s*Reference solutions\b", re.M | re.I)


class ChapterError(ValueError):
    """A chapter whose exercises cannot be turned into an assignment (says which and why)."""


@dataclass
class Exercise:
    number: int
    stub: str
    solution: str
    checks: list  # each self-check call, e.g. "check_leaky_relu(leaky_relu, alpha=0.1)"
    imports: list  # import statements of the stub, so the hidden test can name the checks
    points: int = 1
    bindings: list = field(default_factory=list)  # see _bindings
    omitted: list = field(default_factory=list)  # numbers of solution lines that need training

    @property
    def answer(self):
        """The reference solution as an answer cell: the solution without the lines that
        use the chapter's training results (``omitted``), then the names the hidden test
        reads if the solution passed their values to the check directly."""
        lines = self.solution.splitlines()
        kept = [line for i, line in enumerate(lines) if i not in self.omitted]
        if self.omitted:
            kept += ["", "# Left out here (they use the chapter's training runs):",
                     *[f"# {lines[i]}" for i in self.omitted]]
        lines = kept
        if self.bindings:
            lines += ["", "# the names the hidden test reads", *self.bindings]
        return "\n".join(lines)

    def hidden_test(self):
        """The code of the hidden test: every self-check verdict must be True, and the
        answer cell must have run to its end (``grading.verdict.require``)."""
        lines = [*self.imports, "from grading.verdict import require", "",
                 "require(lambda: [", *[f"    {call}," for call in self.checks], "])"]
        return "\n".join(lines)


@dataclass
class Chapter:
    path: Path
    title: str
    setup: list  # code cells (nbformat nodes) the exercises need, in chapter order
    section: list  # the exercises section: markdown cells, and Exercise for each exercise cell
    exercises: list = field(default_factory=list)

    @property
    def key(self):
        """The assignment's name: ``ch06`` for chapters/06_mlp_from_scratch.ipynb."""
        return "ch" + self.path.name.split("_", 1)[0].lower()


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])


def _check_name(call):
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")


def _bindings(stub, solution):
    """``name = value`` lines for the names a stub passes to its self-check when the
    reference solution passes a value to that check directly (chapter 09's
    ``check_diagnosis({...})`` where the stub has ``check_diagnosis(answer_2)``)."""
    bound = cell_names(solution).binds
    calls = {_check_name(c): c for c in ast.walk(ast.parse(solution))
             if isinstance(c, ast.Call) and _check_name(c).startswith("check_")}
    lines = []
    for call in ast.walk(ast.parse(stub)):
        other = calls.get(_check_name(call)) if isinstance(call, ast.Call) else None
        for mine, theirs in zip(call.args if other else [], other.args if other else [],
                                strict=False):
            if isinstance(mine, ast.Name) and mine.id not in bound \
                    and ast.dump(mine) != ast.dump(theirs):
                lines.append(f"{mine.id} = {ast.get_source_segment(solution, theirs)}")
    return lines


def _omitted(solution, missing):
    """Numbers (from 0) of the lines of top-level statements of ``solution`` that use a name
    in ``missing`` (or a name such a statement binds)."""
    missing, lines = set(missing), solution.splitlines()
    out = []
    for stmt in ast.parse(solution).body:
        segment = "\n".join(lines[stmt.lineno - 1:stmt.end_lineno])
        names = cell_names(segment)
        if names.uses & missing:
            missing |= names.binds
            out += range(stmt.lineno - 1, stmt.end_lineno)
        else:
            missing -= names.binds
    return out


def _check_calls(stub, where):
    """(check-call sources, import sources) of an exercise stub."""
    tree = ast.parse(stub, filename=where)
    calls, imports = [], []
    for stmt in tree.body:
        if isinstance(stmt, ast.Import | ast.ImportFrom):
            imports.append(ast.get_source_segment(stub, stmt))
            continue
        value = getattr(stmt, "value", None)
        if isinstance(stmt, ast.Expr | ast.Assign | ast.AnnAssign) and isinstance(value, ast.Call):
            if _check_name(value).startswith("check_"):
                calls.append(ast.get_source_segment(stub, value))
    if not calls:
        raise ChapterError(f"{where}: the exercise cell calls no check_* self-check, so it "
                           "cannot be graded; add the call of its d2l_utils.checks function")
    return calls, imports


def read_chapter(path):
    """The :class:`Chapter` of notebook ``path``; ChapterError if its tags do not pair up."""
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    cells = nb.cells
    title = next((c.source.splitlines()[0].lstrip("# ").strip() for c in cells
                  if c.cell_type == "markdown" and c.source.startswith("#")), path.stem)
    start = next((i for i, c in enumerate(cells) if c.cell_type == "markdown"
                  and _EXERCISES_HEADING.search(c.source)), None)
    if start is None:
        raise ChapterError(f"{path.name}: no '## Exercises' heading, so no exercises to assign")
    stubs = [c for c in cells if c.cell_type == "code" and EXERCISE_TAG in _tags(c)]
    solutions = [c for c in cells if c.cell_type == "code" and SOLUTION_TAG in _tags(c)]
    if not stubs or len(stubs) != len(solutions):
        raise ChapterError(f"{path.name}: {len(stubs)} code cell(s) tagged '{EXERCISE_TAG}' but "
                           f"{len(solutions)} tagged '{SOLUTION_TAG}'; each exercise needs its "
                           "stub and its reference solution, in the same order")
    exercises, section = [], []
    for cell in cells[start:]:
        if SOLUTION_TAG in _tags(cell) or (cell.cell_type == "markdown"
                                           and _SOLUTIONS_HEADING.search(cell.source)):
            break
        if EXERCISE_TAG in _tags(cell):
            n = len(exercises) + 1
            where = f"{path.name}, exercise cell {n}"
            calls, imports = _check_calls(cell.source, where)
            points = cell.metadata.get("grading", {}).get("points", 1)
            solution = solutions[n - 1].source
            exercises.append(Exercise(n, cell.source, solution, calls, imports, points,
                                      _bindings(cell.source, solution)))
            section.append(exercises[-1])
        else:
            section.append(cell)
    if len(exercises) != len(stubs):
        raise ChapterError(f"{path.name}: {len(stubs) - len(exercises)} exercise cell(s) after "
                           "the reference solutions; put every stub in the Exercises section")
    before = [c for c in cells[:start] if c.cell_type == "code"]
    sources = [c.source for c in before]
    student, reference = set(), set()  # names the stubs need; names the solutions need
    for cell in section:
        if isinstance(cell, Exercise):
            student |= cell_names(cell.stub, f"{path.name}, exercise {cell.number}").uses
            reference |= cell_names(cell.solution, f"{path.name}, solution {cell.number}").uses
        elif cell.cell_type == "code":
            student |= cell_names(cell.source, f"{path.name}, exercises section").uses
    for_students = set(needed_cells(sources, student))
    training = {i for i, c in enumerate(before) if TRAINING_TAG in _tags(c)} - for_students
    excluded, missing = unavailable(sources, training)
    for ex in exercises:
        ex.omitted = _omitted(ex.solution, missing)
    keep = needed_cells(sources, student | reference, excluded)
    return Chapter(path, title, [before[i] for i in keep], section, exercises)
