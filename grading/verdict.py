"""What a hidden test runs, inside the kernel that grades a submission.

A hidden test passes when the student's exercise cell ran to its end (no error, not stopped
by the time, memory or output limit) and every self-check of the exercise returns True.  The
self-check prints its own verdict line ("correct", "wrong: <hint>", "not yet: ...") above:
that line is the feedback the student gets.

    from grading.verdict import require
    require(lambda: [ch06.check_leaky_relu(leaky_relu, alpha=0.1)])

The checks are passed as a function so that they are not run at all when the exercise cell
already failed: a function that loops forever is then not called a second time.
"""

_outcomes = []  # (cell succeeded, why not) per executed cell, filled by grading.kernel


class ExerciseFailed(Exception):
    """The exercise gets no points; the message says why, in one line."""

    def _render_traceback_(self):  # IPython shows this instead of a traceback
        return [f"Not graded as correct: {self}"]


def record_cell(result):
    """IPython ``post_run_cell`` hook: remember whether the cell ran to its end."""
    err = result.error_before_exec or result.error_in_exec
    why = None if err is None else f"{type(err).__name__}: {str(err)[:200]}".rstrip(": ")
    _outcomes.append((err is None, why))


def require(checks):
    """Raise ExerciseFailed unless the previous cell ran to its end and every verdict returned
    by ``checks()`` (a list of self-check results) is True."""
    if _outcomes and not _outcomes[-1][0]:
        raise ExerciseFailed(f"your exercise cell stopped with {_outcomes[-1][1]}; it must run "
                             "to its end")
    verdicts = checks()
    if not all(v is True for v in verdicts):
        raise ExerciseFailed("the self-check above says what is still wrong")
