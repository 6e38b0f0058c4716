"""The structure every exercise notebook must have, and its agreement with course.yaml.

``notebook_problems`` states every rule (docs/notebooks.md) and returns what is wrong;
``dlcourse validate`` runs it on each notebook as it will be released, and the tests run it
on deliberately broken copies. ``stamp_course`` writes course.yaml's points into a notebook's
grade cells at release, so course.yaml is the one place points are set.
"""

from __future__ import annotations

import math
import re
from typing import Any

from grader.course.config import Assignment
from grader.course.cells import grading_meta, nbgrader_metadata

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
IMPORTS_REFERENCE = re.compile(r"^\s*(?:from\s+reference\b|import\s+(?:[\w.]+\s*,\s*)*reference\b)", re.M)
LATEX = re.compile(r"\$[^$\n]+\$|\$\$.+?\$\$", re.S)
PLOT_CALL = re.compile(r"\bplots\.\w+\(")


# ---- the rules -------------------------------------------------------------------------------


def _blocks(source: str, begin: str, end: str) -> tuple[list[str], str, str | None]:
    """The texts between begin/end marker lines, the text outside them, and a problem with the markers."""
    inside: list[str] = []
    outside: list[str] = []
    current: list[str] | None = None
    for line in source.splitlines():
        marker = line.strip()
        if marker == begin:
            if current is not None:
                return inside, "\n".join(outside), f"a second `{begin}` before `{end}`"
            current = []
        elif marker == end:
            if current is None:
                return inside, "\n".join(outside), f"`{end}` without `{begin}`"
            inside.append("\n".join(current))
            current = None
        elif current is not None:
            current.append(line)
        else:
            outside.append(line)
    if current is not None:
        return inside, "\n".join(outside), f"`{begin}` is never closed by `{end}`"
    return inside, "\n".join(outside), None


def _same_points(a: float, b: float) -> bool:
    return math.isclose(float(a), float(b), rel_tol=0, abs_tol=1e-9)


def notebook_problems(assignment: Assignment, nb: Any) -> list[str]:
    """Everything in notebook ``nb`` that breaks docs/notebooks.md or disagrees with ``assignment``."""
    problems: list[str] = []
    a = assignment.id
    parts = [(p.id, p.points) for p in assignment.parts]
    part_ids = [p for p, _ in parts]

    if nb.get("nbformat") != 4:
        problems.append(f"nbformat is {nb.get('nbformat')}, expected 4")
    kernel = nb.get("metadata", {}).get("kernelspec", {}).get("name")
    if kernel != "python3":
        problems.append(f"kernelspec name is {kernel!r}, expected 'python3'")

    cells = list(nb.get("cells", []))
    code = [c for c in cells if c.get("cell_type") == "code"]
    for i, cell in enumerate(cells):
        if cell.get("cell_type") == "code" and (cell.get("outputs") or cell.get("execution_count") is not None):
            problems.append(f"cell {i} has outputs or an execution count; commit notebooks cleared")
        if IMPORTS_REFERENCE.search(cell.get("source", "")):
            problems.append(f"cell {i} imports `reference`, which learners never get")

    # grade_ids: unique, schema 3
    seen: dict[str, int] = {}
    for i, cell in enumerate(cells):
        meta = grading_meta(cell)
        if not meta.present:
            continue
        gid = meta.grade_id
        if gid in seen:
            problems.append(f"grade_id {gid!r} is used by cells {seen[gid]} and {i}")
        seen.setdefault(gid, i)
        if meta.schema_version != 3:
            problems.append(f"cell {i} ({gid}): nbgrader schema_version is {meta.schema_version}, expected 3")

    # set-up
    first = grading_meta(code[0] if code else {})
    if first.grade_id != "setup":
        problems.append("the first code cell is not the set-up cell (grade_id 'setup')")
    else:
        if not (first.locked and not first.grade and not first.solution):
            problems.append("the set-up cell must be locked, with grade and solution false")
        if f'Exercise("{a}", globals())' not in code[0].get("source", ""):
            problems.append(f'the set-up cell does not create Exercise("{a}", globals())')

    # grade cells: exactly the parts, in order, with course.yaml's points, then the 0-point gpu cell
    graded = [(i, grading_meta(c)) for i, c in enumerate(cells) if grading_meta(c).grade]
    found = [(m.grade_id, m.points) for _, m in graded]
    wanted = [*parts, ("gpu", 0)]
    found_ids, wanted_ids = [g for g, _ in found], [g for g, _ in wanted]
    for gid, pts in wanted:
        if gid not in found_ids:
            problems.append(f"part {gid!r} ({pts:g} points in course.yaml) has no test cell with grade_id {gid!r}")
    for gid in found_ids:
        if gid not in wanted_ids:
            problems.append(f"test cell {gid!r} grades a part course.yaml does not list for {a!r} "
                            f"(its parts: {', '.join(part_ids)}); remove the cell or add the part")
    if found_ids != wanted_ids:
        problems.append(f"grade cells are {found_ids}, course.yaml wants {wanted_ids}")
    for gid, pts in found:
        want = dict(wanted).get(gid)
        if want is not None and (pts is None or not _same_points(pts, want)):
            problems.append(f"grade cell {gid!r} is worth {pts} points in the notebook, course.yaml says {want}")

    for i, meta in graded:
        gid = meta.grade_id
        source = cells[i].get("source", "")
        if meta.solution or not meta.locked:
            problems.append(f"test cell {gid!r} must be locked and not a solution cell")
        # Test cells are never run by grading (the sandboxed grader judges the part by its grade_id),
        # so a hidden block would be dead code that misleads the reader.
        if BEGIN_HIDDEN in source:
            problems.append(f"test cell {gid!r} has a hidden block, which grading never runs")
        if gid != "gpu" and f'exercise.check("{gid}")' not in source:
            problems.append(f'test cell {gid!r} does not call exercise.check("{gid}")')

    # solution cells: markers, metadata, one per part before its test cell
    test_index = {m.grade_id: i for i, m in graded}
    for i, cell in enumerate(cells):
        meta = grading_meta(cell)
        if not meta.solution:
            continue
        gid = meta.grade_id
        if meta.grade or meta.locked:
            problems.append(f"solution cell {gid!r} must have grade and locked false")
        inside, _, broken = _blocks(cell.get("source", ""), BEGIN_SOLUTION, END_SOLUTION)
        if broken:
            problems.append(f"solution cell {gid!r}: {broken}")
        elif not inside:
            problems.append(f"solution cell {gid!r} has no {BEGIN_SOLUTION} ... {END_SOLUTION} block")
    for part in part_ids:
        sol = seen.get(f"{part}_code")
        if sol is None or not grading_meta(cells[sol]).solution:
            problems.append(f"part {part!r} has no solution cell with grade_id '{part}_code'")
        elif part in test_index and sol > test_index[part]:
            problems.append(f"the solution cell of {part!r} comes after its test cell")

    # teaching material
    if not any(c.get("cell_type") == "markdown" and LATEX.search(c.get("source", "")) for c in cells):
        problems.append("no markdown cell with LaTeX math")
    if not any(c.get("cell_type") == "code" and not grading_meta(c).present and PLOT_CALL.search(c.get("source", "")) for c in cells):
        problems.append("no plot cell (a plain code cell calling its learner-side module's plots, plots.<name>(...))")
    return problems


def stamp_course(assignment: Assignment, nb: Any) -> list[str]:
    """Give each part's test cell course.yaml's points; returns one line per value changed."""
    points = {p.id: p.points for p in assignment.parts}
    changed = []
    for cell in nb.get("cells", []):
        meta = grading_meta(cell)
        gid = meta.grade_id
        if meta.grade and gid in points and not _same_points(meta.points or 0, points[gid]):
            changed.append(f"part {gid!r}: {meta.points} -> {points[gid]:g} points")
            nbgrader_metadata(cell)["points"] = points[gid]
    return changed
