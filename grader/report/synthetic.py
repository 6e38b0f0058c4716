"""A realistic made-up gradebook for a course, in gradebook.csv's shape: the report's tests and benchmark.

Learners differ in ability, parts in difficulty; a failed part earns partial points and, often, one
of the part's known mistakes (some far more common than others, as in real classes); some learners
skip assignments, and the notebooks' 0-point ``gpu`` cell is there as in real grading. Seeded, so the
same arguments always give the same table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from grader.course.config import Course
from grader.report.load import AssignmentInfo

COLUMNS = ["student", "assignment", "part", "score", "max_score", "status", "diagnoses", "sandbox"]


def synthetic_gradebook(assignments: list[AssignmentInfo], mistakes: dict[tuple[str, str], list[str]],
                        learners: int, seed: int = 0, missing_share: float = 0.08) -> pd.DataFrame:
    """``learners`` learners (``learner-0001`` …) over ``assignments``, each part worth its ``part_points``.

    ``mistakes[(assignment, part)]`` are the mistake names a failed part may be diagnosed with.
    """
    rng = np.random.default_rng(seed)
    ability = rng.beta(5, 2, size=learners)
    difficulty = {(a.id, p): rng.uniform(-0.25, 0.15) for a in assignments for p in a.parts}
    rows = []
    for i in range(learners):
        student = f"learner-{i + 1:04d}"
        for a in assignments:
            if rng.random() < missing_share:
                continue
            for part, worth in a.part_points.items():
                p_pass = float(np.clip(ability[i] + difficulty[(a.id, part)], 0.02, 0.98))
                diagnoses = ""
                if rng.random() < p_pass:
                    score, status = worth, "passed"
                elif rng.random() < 0.01:
                    score, status = 0.0, "grading-failed"
                else:
                    score, status = round(worth * rng.uniform(0, 0.8) * 2) / 2, "failed"
                    known = mistakes.get((a.id, part), [])
                    if known and rng.random() < 0.6:
                        # Zipf-like weights: the first mistakes of a part are the common ones.
                        weights = 1.0 / np.arange(1, len(known) + 1) ** 1.3
                        diagnoses = known[rng.choice(len(known), p=weights / weights.sum())]
                rows.append((student, a.id, part, score, worth, status, diagnoses, "bubblewrap"))
            if a.kind == "exercise":
                rows.append((student, a.id, "gpu", 0.0, 0.0, "passed", "", "bubblewrap"))
    return pd.DataFrame(rows, columns=COLUMNS)


def course_gradebook(course: Course, learners: int, seed: int = 0, missing_share: float = 0.08) -> pd.DataFrame:
    """``synthetic_gradebook`` over a course's exercises and quizzes, with the exercises' known mistakes."""
    from grader.exercises import CHECKS
    from grader.report.load import course_assignments

    mistakes = {key: [m.name for m in check.mistakes] for key, check in CHECKS.items()}
    return synthetic_gradebook(course_assignments(course), mistakes, learners, seed, missing_share)
