"""The course folder nbgrader works in, and its configuration.

``write_config`` writes nbgrader_config.py: grading runs each submission in
:class:`grading.kernel.LimitedKernelManager`'s kernel with a time limit per cell, and the
stored outputs are cut to a size a browser can show.
"""

from pathlib import Path

CONFIG = '''\
# Written by `python -m grading` (make assignments); edit the limits here.
from grading.nboutput import CapOutputSize
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, Execute,
                                    IgnorePattern, LimitOutput, SaveAutoGrades)

c = get_config()  # noqa: F821
c.CourseDirectory.course_id = {course_id!r}
c.CourseDirectory.root = {root!r}
c.ClearSolutions.code_stub = {{"python": "raise NotImplementedError"}}

# Each submission runs in grading.kernel: limits per cell (time) and per notebook.
c.Execute.kernel_manager_class = "grading.kernel.LimitedKernelManager"
c.Execute.timeout = {timeout}                       # seconds per cell, then interrupted
c.LimitedKernelManager.memory_limit = {memory}      # bytes of address space
c.LimitedKernelManager.cpu_limit = {cpu}            # CPU seconds per notebook
c.LimitedKernelManager.output_limit = {output}      # characters a cell may print
c.CapOutputSize.max_chars = {output}
c.Autograde.autograde_preprocessors = [
    Execute, CapOutputSize, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
    SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
'''

DEFAULTS = {"timeout": 120, "memory": 4 * 2**30, "cpu": 1800, "output": 1_000_000}


def write_config(course_dir, course_id="softmax-course", **limits):
    """Write ``course_dir``/nbgrader_config.py (creating the folder); ``limits`` overrides
    DEFAULTS (timeout, memory, cpu, output).  Returns its path."""
    unknown = set(limits) - set(DEFAULTS)
    if unknown:
        raise TypeError(f"write_config: unknown limit(s) {sorted(unknown)}; "
                        f"known: {sorted(DEFAULTS)}")
    course_dir = Path(course_dir).resolve()
    course_dir.mkdir(parents=True, exist_ok=True)
    path = course_dir / "nbgrader_config.py"
    path.write_text(CONFIG.format(course_id=course_id, root=str(course_dir),
                                  **{**DEFAULTS, **limits}), encoding="utf-8")
    return path
