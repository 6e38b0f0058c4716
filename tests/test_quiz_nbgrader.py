"""A real nbgrader round trip: generate_assignment from a quiz's source notebook, then
autograde submissions, and read the scores back from the gradebook."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbgrader.api import Gradebook

from grader.quiz import checking
from grader.quiz.load import load_quiz
from grader.course.config import load_course
from grader.nbgrader_glue.course import CourseDirectory

ROOT = Path(__file__).resolve().parents[1]
QUIZ = load_quiz(ROOT / "exercises" / "quizzes" / "perceptron.yaml")
# carol's broken answers: each scores zero, and everything else she answers must still count
CAROL_BROKEN = {
    "p1_what_it_computes": "7",  # not an option
    "p7_example_output": "float('nan')",
    "p10_count_parameters": "'497'",  # text, not a number
    "p12_sigmoid_derivative": "\"__import__('os').system('touch pwned')\"",
}


def nbgrader(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
        # nbgrader creates the gradebook by running alembic from the environment's bin folder
        "PATH": os.pathsep.join((str(Path(sys.executable).parent), os.environ.get("PATH", ""))),
        "JUPYTER_CONFIG_DIR": str(root / ".jupyter"),
    }
    env.pop("NBGRADER_EXECUTION", None)
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", *args], cwd=root, env=env, capture_output=True, text=True, timeout=240
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def submit(root: Path, student: str, release: Path, answers: dict[str, str]) -> None:
    nb = nbformat.read(release, as_version=4)
    for cell in nb.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        qid = grade_id.removesuffix("_answer")
        if cell.metadata["nbgrader"].get("solution") and qid in answers:
            cell.source = f"answer_{qid} = {answers[qid]}"
    folder = root / "submitted" / student / QUIZ.id
    folder.mkdir(parents=True)
    nbformat.write(nb, folder / release.name)


def _literal(answer) -> str:
    return "{" + ", ".join(repr(a) for a in sorted(answer)) + "}" if isinstance(answer, set) else repr(answer)


@pytest.mark.slow
def test_generate_assignment_and_autograde(tmp_path: Path) -> None:
    root = tmp_path / "course"
    # The course's own nbgrader_config.py: autograde runs answer cells in the sandbox, grades outside.
    CourseDirectory.prepare(load_course(ROOT / "course.yaml"), root)
    nbgrader(root, "generate_assignment", QUIZ.id, "--force")

    release = root / "release" / QUIZ.id / f"{QUIZ.id}.ipynb"
    released = nbformat.read(release, as_version=4)
    text = "\n".join(c.source for c in released.cells)
    for forbidden in ("BEGIN SOLUTION", "HIDDEN TESTS", "grade_answer", "solution("):
        assert forbidden not in text
    for q in QUIZ.questions:
        assert q.explanation.strip()[:60] not in text
        answer_cell = next(c for c in released.cells if c.metadata["nbgrader"]["grade_id"] == f"{q.id}_answer")
        # Only the comment and a stub that lets "Run All" finish are left: the answer itself is gone.
        assert answer_cell.source.splitlines()[-1] == f"answer_{q.id} = None  # replace None with your answer"
        assert "NotImplementedError" not in answer_cell.source
        if not q.draws():
            assert f"answer_{q.id} = {_literal(checking.expected_answer(QUIZ, q, ''))}" not in answer_cell.source

    right = {
        student: {q.id: _literal(checking.expected_answer(QUIZ, q, student)) for q in QUIZ.questions}
        for student in ("alice", "carol")
    }
    submit(root, "alice", release, right["alice"])
    submit(root, "bob", release, {})  # the untouched release
    submit(root, "carol", release, {**right["carol"], **CAROL_BROKEN})
    nbgrader(root, "autograde", QUIZ.id, "--force")

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="intro-dl") as gb:
        scores = {
            student: {
                g.name: g.score for g in gb.find_submission_notebook(QUIZ.id, QUIZ.id, student).grades
            }
            for student in ("alice", "bob", "carol")
        }
        totals = {s: gb.find_submission(QUIZ.id, s).score for s in scores}
        max_score = gb.find_assignment(QUIZ.id).max_score

    points = {q.id: q.points for q in QUIZ.questions}
    assert max_score == QUIZ.points
    assert scores["alice"] == points and totals["alice"] == QUIZ.points
    assert scores["bob"] == {qid: 0 for qid in points} and totals["bob"] == 0
    assert scores["carol"] == {qid: 0 if qid in CAROL_BROKEN else p for qid, p in points.items()}
    assert not (root / "autograded" / "carol" / QUIZ.id / "pwned").exists()

    feedback = nbformat.read(root / "autograded" / "carol" / QUIZ.id / f"{QUIZ.id}.ipynb", as_version=4)
    printed = "\n".join(
        o.get("text", "") for c in feedback.cells if c.cell_type == "code" for o in c.get("outputs", [])
    )
    assert "double underscores are not allowed" in printed
    assert "NaN" in printed and "without quotes" in printed
    assert "(Your personal values, for learner 'carol'" in printed
