"""Per-learner variants: reproducible for one learner, different across learners."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from grader.learner.kernel import quiz as learner_quiz
from grader.quiz import checking
from grader.quiz.load import load_quiz
from grader.learner.core.variants import learner_values, render, variant_seed

ROOT = Path(__file__).resolve().parents[1]
PERCEPTRON = load_quiz(ROOT / "exercises" / "quizzes" / "perceptron.yaml")
LOSS = load_quiz(ROOT / "exercises" / "quizzes" / "loss.yaml")
LEARNERS = [f"student{i:03d}" for i in range(40)]


def test_seed_is_pinned() -> None:
    # Changing the seed formula mid-course would silently give learners new numbers.
    assert variant_seed("quiz_perceptron", "p10_count_parameters", "alice") == 3569684315409759539


def test_seed_depends_on_quiz_question_and_learner() -> None:
    base = variant_seed("quiz_a", "q1", "alice")
    assert variant_seed("quiz_a", "q1", "alice") == base
    assert len({base, variant_seed("quiz_b", "q1", "alice"), variant_seed("quiz_a", "q2", "alice"),
                variant_seed("quiz_a", "q1", "bob"), variant_seed("quiz_aq", "1", "alice")}) == 5


def test_same_learner_same_values_in_a_fresh_process() -> None:
    code = (
        "from grader.learner.core.variants import learner_values;"
        "print(learner_values('quiz_perceptron', 'p10_count_parameters', 'alice', "
        "{'layers': [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [6, 6], [7, 7], [8, 8]]}))"
    )
    outputs = set()
    for hash_seed in ("0", "1", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed, "PYTHONPATH": str(ROOT)}
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        outputs.add(done.stdout.strip())
    here = learner_values("quiz_perceptron", "p10_count_parameters", "alice",
                          {"layers": [[i, i] for i in range(1, 9)]})
    assert outputs == {str(here)}


def test_neighbours_get_different_numbers() -> None:
    q = PERCEPTRON.question("p10_count_parameters")
    answers = {checking.expected_answer(PERCEPTRON, q, who) for who in LEARNERS}
    assert len(answers) >= 5
    for who in LEARNERS[:5]:
        assert checking.expected_answer(PERCEPTRON, q, who) == checking.expected_answer(PERCEPTRON, q, who)


def test_every_choice_is_reachable() -> None:
    q = PERCEPTRON.question("p10_count_parameters")
    seen = {str(checking.learner_values(PERCEPTRON, q, f"learner{i}")["layers"]) for i in range(400)}
    assert seen == {str(c) for c in q.parameters["layers"].choices}


def test_another_learners_answer_is_wrong_for_me() -> None:
    q = PERCEPTRON.question("p10_count_parameters")
    mine = checking.expected_answer(PERCEPTRON, q, "alice")
    other = next(w for w in LEARNERS if checking.expected_answer(PERCEPTRON, q, w) != mine)
    assert checking.grade(PERCEPTRON, q, checking.expected_answer(PERCEPTRON, q, other), "alice").score == 0
    assert checking.grade(PERCEPTRON, q, mine, "alice").full_marks


def test_prompt_is_rendered_with_the_learners_values() -> None:
    q = LOSS.question("l4_bce_variant")
    for who in LEARNERS[:10]:
        values = checking.learner_values(LOSS, q, who)
        prompt = checking.learner_prompt(LOSS, q, who)
        assert "{{" not in prompt
        assert f"$y$ = {values['y']}" in prompt and f"$p$ = {values['p']:g}" in prompt


def test_authored_numeric_variants_pair_values_with_their_answer() -> None:
    q = LOSS.question("l5_log2_table")
    for who in LEARNERS:
        values = checking.learner_values(LOSS, q, who)
        variant = next(v for v in q.variants if v.values == values)
        assert checking.expected_answer(LOSS, q, who) == variant.answer


def test_render_leaves_unknown_placeholders_and_latex_alone() -> None:
    assert render(r"$\frac{1}{2}$ {{a}} {{ b }} {{c}}", {"a": 0.5, "b": [2, 3]}) == r"$\frac{1}{2}$ 0.5 [2, 3] {{c}}"


def test_show_variant_prints_the_values_the_grader_uses(capsys, monkeypatch) -> None:
    monkeypatch.delenv("NBGRADER_EXECUTION", raising=False)
    monkeypatch.delenv("DLCOURSE_LEARNER", raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "student007")
    q = PERCEPTRON.question("p10_count_parameters")
    learner_quiz.show_variant(PERCEPTRON.id, q.id, q.draws())  # as in the released notebook
    out, err = capsys.readouterr()
    layers = checking.learner_values(PERCEPTRON, q, "student007")["layers"]
    assert out.count(f"layers = {layers}") == 1 and "student007" in out and err == ""


def test_off_the_hub_the_notebook_says_whose_values_it_shows(capsys, monkeypatch) -> None:
    for var in ("NBGRADER_EXECUTION", "DLCOURSE_LEARNER", "JUPYTERHUB_USER"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("USER", "alice")
    q = PERCEPTRON.question("p10_count_parameters")
    learner_quiz.show_variant(PERCEPTRON.id, q.id, q.draws())
    out = capsys.readouterr().out
    assert "login name 'alice'" in out and "nbgrader student id" in out
    monkeypatch.setenv("JUPYTERHUB_USER", "alice")
    learner_quiz.show_variant(PERCEPTRON.id, q.id, q.draws())
    assert "Note:" not in capsys.readouterr().out


def test_the_values_graded_are_those_of_the_submissions_identity_whatever_the_notebook_claims() -> None:
    """A learner who sets JUPYTERHUB_USER in their kernel sees other values, but is graded as themselves."""
    q = PERCEPTRON.question("p10_count_parameters")
    mine = checking.expected_answer(PERCEPTRON, q, "s001")
    others = {checking.expected_answer(PERCEPTRON, q, f"x{i}") for i in range(30)} - {mine}
    assert others, "the question has personal values"
    wrong = next(iter(others))
    assert checking.grade(PERCEPTRON, q, wrong, "s001").score == 0
    assert checking.grade(PERCEPTRON, q, mine, "s001").score == q.points
