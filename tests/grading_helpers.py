"""Shared by tests/test_grading*.py: a course built from chapters, and submissions."""

import nbformat

from grading import assignments, course


def build_course(course_dir, chapters, **limits):
    """Write the config and build each chapter; returns {key: Chapter}."""
    course.write_config(course_dir, **limits)
    return {ch.key: ch for ch in (assignments.build(course_dir, p) for p in chapters)}


def notebook(course_dir, kind, chapter):
    """The source or release notebook of a built chapter."""
    path = course_dir / kind / chapter.key / (chapter.path.stem + assignments.NOTEBOOK_SUFFIX)
    return nbformat.read(path, as_version=4)


def with_answer(nb, n, edit):
    """A copy of ``nb`` whose exercise ``n`` answer cell source is ``edit(source)``."""
    nb = nbformat.from_dict(nb)
    nb = nbformat.reads(nbformat.writes(nb), as_version=4)
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == f"exercise-{n}":
            cell.source = edit(cell.source)
            return nb
    raise KeyError(f"no exercise-{n} answer cell")


def replaced(old, new):
    def edit(source):
        assert old in source, (old, source)
        return source.replace(old, new)
    return edit


def write(nb, path):
    nbformat.write(nb, path)
    return path
