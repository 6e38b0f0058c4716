"""Formulas too large to check: refused by the size bounds before SymPy sees them, quickly and kindly,
and the checker process held under its memory and CPU limits and replaced when it dies on one."""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import psutil
import pytest

from grader.learner.core import answers
from grader.quiz import checking, compute, symbolic
from grader.quiz.load import load_quiz, parse_quiz
from grader.quiz.model import Symbolic
from grader.course.config import load_course

ROOT = Path(__file__).resolve().parents[1]
MIB = 1024 * 1024


def inline_quiz(answer: str, symbols: list[str], time_limit_s: float = 10):
    return parse_quiz(
        {
            "id": "quiz_limits",
            "title": "t",
            "questions": [{
                "id": "q1", "type": "symbolic", "points": 2, "symbols": symbols, "answer": answer,
                "prompt": "p", "explanation": "e", "time_limit_s": time_limit_s,
            }],
        },
        "inline",
    )


QUIZ = inline_quiz("(4*w**3 - 6*w + 5)/16", ["w", "a", "b", "c", "d"])
QUESTION = QUIZ.questions[0]

NESTED = "w*(" * 74 + "w" + ")" * 74
NESTED_CALLS = "exp(" * 59 + "w" + ")" * 59
LONG_SUM = "+".join(["w"] * 150)
# Each fits in the 300-character whitelist; the first made the checker grow to 2.4-3.3 GB.
ATTACKS = [
    ("(w + 1)**999999999", "exponent"),
    ("9**9**9", "exponent"),
    ("9^9^9", "exponent"),
    ("(w+1)**(2**40)", "exponent"),
    ("w**(w - w + 999999999)", "exponent"),
    (NESTED, "depth"),
    (NESTED_CALLS, "depth"),
    ("-" * 299 + "w", "depth"),
    (LONG_SUM, "terms"),
    ("(a+b+c+d+w)**64", "terms"),
    ("((10**30)**64)**64", "number"),
    ("1" * 40 + "*w", "number"),
]
WORDS = {"exponent": "exponent too large", "depth": "too deep", "terms": "too many terms",
         "number": "number too large"}


class CheckerWatch:
    """The checker processes of this grading process, their peak RSS and address-space limits, polled.

    With ``only_new``, only those started after it begins (a thread's own, not the other threads').
    """

    def __init__(self, only_new: bool = False) -> None:
        self.only_new = only_new
        self.ignored: set[int] = set()
        self.peak_rss = 0
        self.peak_vms = 0
        self.limits: dict[int, tuple[int, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._poll, daemon=True)

    def _poll(self) -> None:
        while not self._stop.is_set():
            for proc in psutil.Process().children():
                if proc.pid in self.ignored:
                    continue
                try:
                    if "grader.quiz.equivalence_worker" not in " ".join(proc.cmdline()):
                        continue
                    memory = proc.memory_info()
                    self.limits.setdefault(proc.pid, proc.rlimit(psutil.RLIMIT_AS))
                except psutil.Error:
                    continue
                self.peak_rss = max(self.peak_rss, memory.rss)
                self.peak_vms = max(self.peak_vms, memory.vms)
            self._stop.wait(0.005)

    def __enter__(self) -> CheckerWatch:
        if self.only_new:
            self.ignored = {p.pid for p in psutil.Process().children()}
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def in_fresh_thread(function: Callable[[], Any]) -> Any:
    """function() in a new thread, which gets a checker of its own, started under CHECKER_LIMITS as they are."""
    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["value"] = function()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test's thread
            result["error"] = exc
        finally:
            symbolic._thread_checker().stop()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    if "error" in result:
        raise result["error"]
    return result["value"]


def checker_pid() -> int | None:
    proc = symbolic._thread_checker().proc
    return proc.pid if proc is not None and proc.poll() is None else None


@pytest.fixture(autouse=True)
def no_cached_verdicts() -> None:
    # Each test asks the checker itself, not the verdict another test left behind.
    symbolic._VERDICTS.clear()


@pytest.fixture(scope="module", autouse=True)
def warm_checker() -> None:
    # The timings below are of the check, not of SymPy loading in a new checker.
    symbolic.start_checker()
    assert checking.grade(QUIZ, QUESTION, "4*w**3/16 - 6*w/16 + 5/16", "warm").full_marks


@pytest.mark.parametrize("text, bound", ATTACKS, ids=[f"{b}-{i}" for i, (_, b) in enumerate(ATTACKS)])
def test_large_formula_is_refused_quickly_and_the_checker_stays_small(text: str, bound: str) -> None:
    assert len(text) <= answers.MAX_FORMULA_LENGTH
    with CheckerWatch() as watch:
        start = time.monotonic()
        outcome = checking.grade(QUIZ, QUESTION, text, "alice")
        elapsed = time.monotonic() - start
        verdict = symbolic.check_equivalence(text, QUESTION.answer, symbols=QUESTION.symbols)
    assert outcome.score == 0
    assert "could not be checked: the expression is too large" in outcome.message, outcome.message
    assert WORDS[bound] in outcome.message
    assert elapsed < 2.0
    assert verdict.status == "too_large" and WORDS[bound] in verdict.detail
    assert watch.limits, "no checker process was watched"
    assert watch.peak_rss < symbolic.CHECKER_LIMITS.memory_mb * MIB


@pytest.mark.parametrize("text, bound", ATTACKS, ids=[f"{b}-{i}" for i, (_, b) in enumerate(ATTACKS)])
def test_the_notebook_warns_before_submission(text: str, bound: str) -> None:
    problem = answers.form_problem({"kind": "formula", "symbols": QUESTION.symbols}, text)
    assert problem is not None and "the expression is too large" in problem and WORDS[bound] in problem


def test_the_checker_refuses_them_as_well_without_computing() -> None:
    # The grading side refuses first; the checker process applies the same bounds to what it is sent.
    request = {"learner": "(w + 1)**999999999", "candidates": ["w"], "symbols": ["w"], "functions": None,
               "sample_range": [0.1, 0.9]}
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    start = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "grader.quiz.equivalence_worker"], input=json.dumps(request),
                          capture_output=True, text=True, timeout=20, cwd=ROOT, env=env,
                          preexec_fn=symbolic.CHECKER_LIMITS.apply)
    assert time.monotonic() - start < 10
    line = json.loads(done.stdout.splitlines()[0])
    assert line["kind"] == "too_large" and line["bound"] == "exponent"


def test_bounds_live_on_the_learner_side_without_sympy() -> None:
    code = ("import sys, grader.learner.core.answers as a; a.check_formula_size('(w+1)**2'); "
            "assert 'sympy' not in sys.modules")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_checker_runs_under_its_memory_limit() -> None:
    with CheckerWatch() as watch:
        assert checking.grade(QUIZ, QUESTION, "(4*w**3 - 6*w + 5) / 16", "bob").full_marks
        time.sleep(0.05)
    limit = symbolic.CHECKER_LIMITS.memory_mb * MIB
    assert watch.limits and all(soft == hard == limit for soft, hard in watch.limits.values())
    # A warm checker needs far less than its limit: the limit binds only on a runaway formula.
    assert watch.peak_vms < limit / 2


# Passes every bound, yet never finishes: evaluating it needs a precision of about e**181 bits.
RUNAWAY = "exp(exp(exp(exp(exp(exp(w))))))"


def test_runaway_formula_is_stopped_at_the_time_limit_and_the_next_answer_is_checked() -> None:
    answers.check_formula_size(RUNAWAY)
    quiz = inline_quiz("w", ["w"], time_limit_s=2)
    start = time.monotonic()
    outcome = checking.grade(quiz, quiz.questions[0], RUNAWAY, "alice")
    assert time.monotonic() - start < 4.0
    assert outcome.score == 0 and "could not be checked in time" in outcome.message
    assert checking.grade(quiz, quiz.questions[0], "w*1", "alice").full_marks


def test_runaway_formula_is_stopped_by_the_cpu_limit_and_the_checker_replaced(monkeypatch) -> None:
    monkeypatch.setattr(symbolic, "CHECKER_LIMITS", symbolic.CheckerLimits(answer_cpu_s=1))
    quiz = inline_quiz("w", ["w"], time_limit_s=30)

    def run() -> tuple[checking.Outcome, float, int | None, checking.Outcome, int | None]:
        symbolic.start_checker()
        first = checking.grade(quiz, quiz.questions[0], "w + 0", "alice")
        assert first.full_marks, first.message
        before = checker_pid()
        start = time.monotonic()
        outcome = checking.grade(quiz, quiz.questions[0], RUNAWAY + " + 0", "alice")
        elapsed = time.monotonic() - start
        return outcome, elapsed, before, checking.grade(quiz, quiz.questions[0], "2*w - w", "alice"), checker_pid()

    outcome, elapsed, before, after, pid = in_fresh_thread(run)
    assert outcome.score == 0
    assert "could not be checked: checking it needed more computing time" in outcome.message, outcome.message
    assert elapsed < 8.0  # the CPU limit, well before the 30 s wall-clock one
    assert after.full_marks, after.message
    assert pid is not None and pid != before


# Within every bound, but multiplying it out takes some 16 MiB more than a warm checker holds.
HEAVY = "((a+b+c)**15 + 1)**2"
HEAVY_ANSWER = "(a+b+c)**30 + 2*(a+b+c)**15 + 1"
WARM_UP = ["a*(1 - a)", "(a - b)/(a - a^2)"]


def test_out_of_memory_is_could_not_be_checked_and_the_next_answer_is_checked(monkeypatch) -> None:
    quiz = inline_quiz(HEAVY_ANSWER, ["a", "b", "c"])
    question: Symbolic = quiz.questions[0]

    def warm(tag: str) -> None:
        for text in WARM_UP:  # both loaded what simplify needs, so only the heavy formula differs
            symbolic.check_equivalence(f"{text} + 0*{tag}", f"{text}", symbols=["a", "b", "c"])

    def measure() -> int:
        with CheckerWatch(only_new=True) as watch:
            symbolic.start_checker()
            warm("a")
            time.sleep(0.05)
        return watch.peak_vms

    warm_vms = in_fresh_thread(measure)
    limit_mb = math.ceil(warm_vms / MIB) + 6
    monkeypatch.setattr(symbolic, "CHECKER_LIMITS", symbolic.CheckerLimits(memory_mb=limit_mb))

    def run() -> tuple[checking.Outcome, checking.Outcome, int]:
        with CheckerWatch(only_new=True) as watch:
            symbolic.start_checker()
            warm("b")
            outcome = checking.grade(quiz, question, HEAVY, "alice")
            after = checking.grade(quiz, question, f"1 + {HEAVY_ANSWER}  - 1", "alice")
        return outcome, after, watch.peak_rss

    outcome, after, peak_rss = in_fresh_thread(run)
    assert outcome.score == 0
    assert "could not be checked: checking it needed more memory" in outcome.message, outcome.message
    assert after.full_marks, after.message
    assert peak_rss < limit_mb * MIB


def test_warm_checker_is_replaced_before_its_lifetime_cpu_runs_out(monkeypatch) -> None:
    # Replaced once it has used 1 s (SymPy's import takes about half of that), long before 2 s would kill it.
    monkeypatch.setattr(symbolic, "CHECKER_LIMITS", symbolic.CheckerLimits(lifetime_cpu_s=2))

    def check(k: int) -> str:
        return symbolic.check_equivalence(f"((a+b+c)**{k} + 1)**2", f"(a+b+c)**{2 * k} + 2*(a+b+c)**{k} + 1",
                                          symbols=["a", "b", "c"], time_limit_s=20).status

    def run() -> tuple[list[str], bool]:
        symbolic.start_checker()
        statuses = []
        for k in range(6, 16):  # each a new formula: SymPy's own cache would make a repeated one free
            statuses.append(check(k))
            if checker_pid() is None:  # stopped after its answer; the next one starts a fresh checker
                return [*statuses, check(2)], True
        return statuses, False

    statuses, replaced = in_fresh_thread(run)
    assert replaced, "the checker was never replaced"
    assert set(statuses) == {"equivalent"}


COURSE_QUIZZES = [load_quiz(path, compute.course_settings(load_course(ROOT / "course.yaml")))
                  for path in sorted((ROOT / "exercises" / "quizzes").glob("*.yaml"))]
FORMULA_QUESTIONS = [(quiz, q) for quiz in COURSE_QUIZZES for q in quiz.questions if isinstance(q, Symbolic)]


def rewrites(answer: str, symbols: list[str]) -> list[str]:
    first = symbols[0]
    return [answer, f"({answer})*1", f"2*({answer})/2", f"({answer}) + {first} - {first}", f"-(-({answer}))",
            f"(({answer}))^1"]


@pytest.mark.parametrize("quiz, question", FORMULA_QUESTIONS, ids=[q.id for _, q in FORMULA_QUESTIONS])
def test_course_formulas_are_within_the_bounds_and_still_checked(quiz, question: Symbolic) -> None:
    with CheckerWatch() as watch:
        for text in rewrites(question.answer, question.symbols):
            outcome = checking.grade(quiz, question, text, "alice")
            assert outcome.full_marks, (text, outcome.message)
        for mistake in question.mistakes:
            outcome = checking.grade(quiz, question, mistake.expression, "alice")
            assert outcome.score == 0 and mistake.feedback.strip()[:30] in outcome.message, outcome.message
    limit = symbolic.CHECKER_LIMITS.memory_mb * MIB
    assert watch.limits and all(soft == limit for soft, _ in watch.limits.values())
    assert watch.peak_rss < limit
