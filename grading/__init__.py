"""Course tooling for instructors: the chapters' exercises as nbgrader assignments, graded
automatically and safely.  Not part of the book-compatible ``d2l_utils``.

- :mod:`grading.exercises`, :mod:`grading.dependencies`: what a chapter's exercises are, read
  from its ``exercise``/``solution`` tags and ``d2l_utils.checks`` calls, and which of its
  cells they need;
- :mod:`grading.assignments`, :mod:`grading.course`: the nbgrader course folder, source,
  release and hidden tests (``make assignments``);
- :mod:`grading.grades`: collect, autograde, read grades and feedback, write the CSV
  (``make grade``);
- :mod:`grading.kernel`, :mod:`grading.sandbox`, :mod:`grading.nboutput`,
  :mod:`grading.verdict`: the limited kernel a submission runs in, and what its hidden
  tests call.
"""
