"""What the report says, as tables: totals, pass rates, frequent mistakes, missing work, hard questions.

Each function reads a ``Grades`` and returns a pandas table; the page only lays them out. Two rules
hold throughout: a learner who did not submit an assignment is *missing* (never a score of 0), and
rates are shares of the learners who submitted that assignment.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from grader.report.load import DIAGNOSES_SEPARATOR, Grades

MISSING = "missing"
#: nbgrader holds the submission but no grade for it (the notebook could not be autograded).
NOT_GRADED = "not graded"


def assignment_totals(grades: Grades) -> pd.DataFrame:
    """One row per roster learner and assignment: score (NaN unless graded), max_points, state.

    ``state`` is ``submitted``, ``missing`` or ``not graded``; max_points is course.yaml's maximum.
    """
    ids = [a.id for a in grades.assignments]
    summed = grades.parts.groupby(["student", "assignment"], sort=False).score.sum()
    index = pd.MultiIndex.from_product([grades.roster, ids], names=["student", "assignment"])
    out = summed.reindex(index).reset_index()
    out["max_points"] = out.assignment.map({a.id: a.max_points for a in grades.assignments}).astype(float)
    out["state"] = np.where(out.score.notna(), "submitted", MISSING)
    if grades.not_graded:
        pairs = pd.Series(list(zip(out.student, out.assignment)), index=out.index, dtype=object)
        out.loc[(out.state == MISSING) & pairs.map(grades.not_graded.__contains__).astype(bool), "state"] = NOT_GRADED
    return out


def totals_table(grades: Grades) -> pd.DataFrame:
    """student × assignment: the total where graded, else the word ``missing`` / ``not graded``.

    Also the learner's course total (graded work only, so out of the course's maximum) and how many
    assignments are missing; a learner with nothing graded has the total ``missing``, not 0.
    """
    totals = assignment_totals(grades)
    cell = totals.score.astype(object).where(totals.state == "submitted", totals.state)
    wide = (totals.assign(cell=cell).pivot(index="student", columns="assignment", values="cell")
            .reindex(index=grades.roster, columns=[a.id for a in grades.assignments]))
    graded = totals[totals.state == "submitted"].groupby("student").score.sum()
    wide["total"] = [graded[s] if s in graded.index else MISSING for s in wide.index]
    wide["missing"] = (totals.state != "submitted").groupby(totals.student).sum().reindex(wide.index).astype(int)
    wide.columns.name = None
    return wide.reset_index()


def submitted_counts(grades: Grades) -> dict[str, int]:
    """Learners with graded work per assignment (0 for an assignment nobody submitted)."""
    counts = grades.parts.groupby("assignment").student.nunique()
    return {a.id: int(counts.get(a.id, 0)) for a in grades.assignments}


def pass_rates(grades: Grades) -> pd.DataFrame:
    """Per part, in course order: submitted, passed, grading_failed, rate (passed / submitted; NaN if nobody).

    A learner who submitted the assignment but has no row for a part counts as not passing it.
    """
    parts = grades.parts
    submitted = submitted_counts(grades)
    by_status = parts.groupby(["assignment", "part", "status"]).student.nunique()
    rows = []
    for a in grades.assignments:
        seen = [p for p in parts.loc[parts.assignment == a.id, "part"].unique() if p not in a.parts]
        for part in list(a.parts) + sorted(seen):
            passed = int(by_status.get((a.id, part, "passed"), 0))
            failed_grading = int(by_status.get((a.id, part, "grading-failed"), 0))
            n = submitted[a.id]
            rows.append({"assignment": a.id, "part": part, "description": a.parts.get(part, ""),
                         "submitted": n, "passed": passed, "grading_failed": failed_grading,
                         "rate": passed / n if n else np.nan})
    return pd.DataFrame(rows, columns=["assignment", "part", "description", "submitted", "passed",
                                       "grading_failed", "rate"])


def _hints() -> dict[tuple[str, str, str], str]:
    from grader.exercises import CHECKS

    return {(a, p, m.name): m.hint for (a, p), check in CHECKS.items() for m in check.mistakes}


def frequent_mistakes(grades: Grades, top: int = 5) -> pd.DataFrame:
    """The ``top`` most diagnosed mistakes per assignment: assignment, part, mistake, learners, hint.

    ``learners`` counts each learner once per (part, mistake); ``hint`` is what the grader tells a
    learner with that mistake (from the exercise's checks), the example message of the page.
    """
    columns = ["assignment", "part", "mistake", "learners", "hint"]
    parts = grades.parts[grades.parts.diagnoses.str.strip() != ""]
    if parts.empty:
        return pd.DataFrame(columns=columns)
    named = (parts.assign(mistake=parts.diagnoses.str.split(DIAGNOSES_SEPARATOR, regex=False))
             .explode("mistake"))
    named["mistake"] = named.mistake.str.strip()
    named = named[named.mistake != ""]
    counts = named.groupby(["assignment", "part", "mistake"]).student.nunique().rename("learners").reset_index()
    order = {a.id: i for i, a in enumerate(grades.assignments)}
    counts["_order"] = counts.assignment.map(order).fillna(len(order))
    counts = (counts.sort_values(["_order", "learners", "part", "mistake"], ascending=[True, False, True, True])
              .groupby("assignment", sort=False).head(top))
    hints = _hints()
    counts["hint"] = [hints.get(key, "") for key in zip(counts.assignment, counts.part, counts.mistake)]
    return counts[columns].reset_index(drop=True)


def missing_work(grades: Grades) -> pd.DataFrame:
    """Learners with at least one assignment not graded: student, missing, not_graded (comma lists), count."""
    totals = assignment_totals(grades)
    absent = totals[totals.state != "submitted"]
    rows = []
    for student, group in absent.groupby("student", sort=True):
        rows.append({"student": student,
                     "missing": ", ".join(group.assignment[group.state == MISSING]),
                     "not_graded": ", ".join(group.assignment[group.state == NOT_GRADED]),
                     "count": len(group)})
    out = pd.DataFrame(rows, columns=["student", "missing", "not_graded", "count"])
    return out.sort_values(["count", "student"], ascending=[False, True]).reset_index(drop=True)


def quiz_ranking(grades: Grades) -> pd.DataFrame:
    """Every question of every quiz somebody submitted, most often missed first.

    ``missed`` = learners who submitted the quiz and did not get the question fully right;
    ranked by the share missed (so quizzes with fewer submissions compare fairly), then by the count.
    """
    quizzes = {a.id for a in grades.assignments if a.kind == "quiz"}
    rates = pass_rates(grades)
    rates = rates[rates.assignment.isin(quizzes) & (rates.submitted > 0)].copy()
    rates["missed"] = rates.submitted - rates.passed
    rates["share_missed"] = rates.missed / rates.submitted
    rates = rates.rename(columns={"assignment": "quiz", "part": "question", "description": "prompt"})
    ranked = rates.sort_values(["share_missed", "missed", "quiz", "question"], ascending=[False, False, True, True])
    return ranked[["quiz", "question", "prompt", "missed", "submitted", "share_missed"]].reset_index(drop=True)


def part_rows(grades: Grades) -> pd.DataFrame:
    """The part-level grades, for the filterable table: one row per graded part, course order."""
    order = {a.id: i for i, a in enumerate(grades.assignments)}
    part_order = {(a.id, p): i for a in grades.assignments for i, p in enumerate(a.parts)}
    rows = grades.parts.assign(
        _a=grades.parts.assignment.map(order),
        _p=[part_order.get(k, len(part_order)) for k in zip(grades.parts.assignment, grades.parts.part)],
    )
    rows = rows.sort_values(["student", "_a", "_p"])
    return rows[["student", "assignment", "part", "score", "max_score", "status", "diagnoses"]].reset_index(drop=True)
