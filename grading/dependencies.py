"""Which of a chapter's cells an exercise needs: the setup an assignment runs before it.

A chapter trains models, plots and times things; its exercises mostly need a few imports and
definitions.  Grading re-runs what an assignment contains for every submission, so the
assignment keeps only the code cells the exercises and their reference solutions depend on:
for each name they use, the last earlier cell that binds it, any later cell that changes it in
place (``net.initialize()``, ``X[0] = 1``), and so on for the names those cells use.
The first code cell (imports, seeds) always runs.  The chapter's training runs (cells tagged
``nbval-ignore-output``, chapters/README.md) are left out unless a stub needs them; cells
that need what only they compute are left out too (:func:`unavailable`).

Names are found with :mod:`symtable`, so a function's parameters and locals are not mistaken
for names it takes from the chapter.
"""

import ast
import builtins
import symtable
from dataclasses import dataclass

_BUILTINS = frozenset(dir(builtins)) | {"__name__", "__file__", "get_ipython", "display"}


@dataclass(frozen=True)
class CellNames:
    """What one code cell binds, changes in place and takes from earlier cells."""

    binds: frozenset
    changes: frozenset
    uses: frozenset
    imports: frozenset = frozenset()


def _mutated_roots(tree, imported):
    """Names a top-level statement changes in place: ``x.f(...)``, ``x[i] = ...``,
    ``x.a = ...``, ``x += ...``.  Modules (imported names) do not count: ``d2l.train_ch3(...)``
    does not change ``d2l``."""

    def root(node):
        while isinstance(node, ast.Attribute | ast.Subscript):
            node = node.value
        return node.id if isinstance(node, ast.Name) else None

    found = set()
    for stmt in tree.body:
        targets = []
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call) \
                and isinstance(stmt.value.func, ast.Attribute):
            targets.append(stmt.value.func.value)
        elif isinstance(stmt, ast.Assign):
            targets += [t for t in stmt.targets if isinstance(t, ast.Attribute | ast.Subscript)]
        elif isinstance(stmt, ast.AugAssign):
            targets.append(stmt.target)
        found |= {r for r in map(root, targets) if r}
    return found - imported


def cell_names(source, where="<cell>"):
    """The :class:`CellNames` of one cell's Python ``source``.

    Raises SyntaxError naming ``where`` if the source does not parse."""
    try:
        tree = ast.parse(source, filename=where)
        top = symtable.symtable(source, where, "exec")
    except SyntaxError as err:
        raise SyntaxError(f"{where}: {err.msg} (line {err.lineno})") from None
    imported = {s.get_name() for s in top.get_symbols() if s.is_imported()}
    binds = {s.get_name() for s in top.get_symbols()
             if s.is_assigned() or s.is_imported() or s.is_namespace()}
    used = set()

    def walk(table, is_top):
        for s in table.get_symbols():
            if s.is_referenced() and (is_top or s.is_global()):
                used.add(s.get_name())
        for child in table.get_children():
            walk(child, False)

    walk(top, True)
    changes = _mutated_roots(tree, imported)
    uses = (used - binds - _BUILTINS) | changes
    return CellNames(frozenset(binds), frozenset(changes), frozenset(uses), frozenset(imported))


def unavailable(sources, skip):
    """(cells left out, names left undefined) when the cells ``skip`` do not run: a cell that
    uses a name whose latest binding was left out is left out too."""
    excluded, missing = set(), set()
    for i, src in enumerate(sources):
        names = cell_names(src, f"code cell {i}")
        if i in skip or names.uses & missing:
            excluded.add(i)
            missing |= names.binds
        else:
            missing -= names.binds
    return excluded, missing


def needed_cells(sources, wanted, excluded=()):
    """Indices (sorted) of the cells among ``sources`` (earlier code cells, in order) that
    provide the names in ``wanted``, with everything those cells need in turn.

    ``sources`` is a list of code-cell sources; index 0 (imports, seeds) is always needed.
    Cells in ``excluded`` are treated as absent.  A name no cell binds is left to Python (a
    NameError, if anything, is the student's).
    """
    names = [cell_names("" if i in excluded else src, f"code cell {i}")
             for i, src in enumerate(sources)]
    modules = set().union(*(n.imports for n in names))  # d2l.f(...) in one cell changes no d2l
    keep = set()
    todo = [(name, len(sources)) for name in wanted]
    if sources:
        keep.add(0)
        todo += [(name, 0) for name in names[0].uses]
    seen = set()
    while todo:
        name, before = todo.pop()
        if (name, before) in seen:
            continue
        seen.add((name, before))
        binders = [i for i in range(before) if name in names[i].binds]
        if not binders:
            continue
        last = binders[-1]
        providers = [last] + [i for i in range(last + 1, before)
                              if name in names[i].changes and name not in modules]
        for i in providers:
            if i not in keep:
                keep.add(i)
                todo += [(n, i) for n in names[i].uses]
    return sorted(keep)
