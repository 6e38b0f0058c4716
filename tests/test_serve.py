"""Grading on submit, `dlcourse serve`: real nbgrader commands against a temporary exchange, the attempt
policy, kill -9 and a restart, and the service configurations the docs give.

Every grading here runs in the real sandbox (the batch's pool of warm bubblewrap sandboxes).
"""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from corpus_support import build_notebook, corpus
from grader.batch.attempts import AttemptStore
from grader.batch.command import RESULTS_DIR
from grader.batch.results import ResultStore
from grader.cli.main import main
from grader.serve.service import Service
from serve_support import ROOT, Running, Served, drop, released_page, served_course, text as _text, wait as _wait

pytestmark = pytest.mark.slow
FULL = 10.0  # perceptron's points in course.yaml


def _right() -> object:
    return next(s for s in corpus("perceptron") if s.expect_full)


def _wrong() -> object:
    return next(s for s in corpus("perceptron") if not s.expect_full)


def _notebook(served: Served, sub: object) -> nbformat.NotebookNode:
    source = served.course.path(served.course.assignment("perceptron").notebook)
    return build_notebook(sub, source, served.cdir.root / "release" / "perceptron" / "perceptron.ipynb")


class Learner:
    """A learner's side: their own home (nbgrader's cache of what they submitted) and nbgrader's commands."""

    def __init__(self, served: Served, name: str, home: Path) -> None:
        self.served, self.name, self.home = served, name, home
        home.mkdir(parents=True)

    def nbgrader(self, *args: str) -> str:
        env = {**self.served.cdir.env(), "HOME": str(self.home), "JUPYTER_DATA_DIR": str(self.home / ".data")}
        done = subprocess.run([sys.executable, "-m", "nbgrader", *args, "--course", self.served.course.exchange_course_id,
                               f"--Exchange.root={self.served.exchange}", f"--student={self.name}"],
                              cwd=self.home, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
        return done.stdout + done.stderr

    def submit(self, notebook: nbformat.NotebookNode) -> None:
        nbformat.write(notebook, self.home / "perceptron" / "perceptron.ipynb")
        self.nbgrader("submit", "perceptron")

    def feedback(self) -> list[str]:
        """Every page fetch_feedback brings, oldest submission first."""
        self.nbgrader("fetch_feedback", "perceptron")
        return [p.read_text() for p in sorted((self.home / "perceptron" / "feedback").glob("*/perceptron.html"))]


def test_submit_grade_fetch_feedback_with_real_nbgrader_then_attempts_then_kill_9(tmp_path) -> None:
    served = served_course(tmp_path, attempts={"graded_per_day": 2, "counts": "best"})
    log = tmp_path / "serve.log"
    service = Running(served, log)
    ann = Learner(served, "ann", tmp_path / "ann")
    ann.nbgrader("fetch_assignment", "perceptron")
    assert (ann.home / "perceptron" / "perceptron.public.json").is_file()

    # A right submission: graded, its feedback fetched with nbgrader's own command.
    ann.submit(_notebook(served, _right()))
    _wait(lambda: len(service.lines("graded")) == 1, "the first grade")
    [page] = ann.feedback()
    assert f"Score: {FULL} / {FULL}" in page
    assert "Attempt 1: 10 / 10 points" in _text(page) and "left today: 1 of 2" in _text(page)

    # A wrong one: its own page, its own score; the best attempt still counts.
    ann.submit(_notebook(served, _wrong()))
    _wait(lambda: len(service.lines("graded")) == 2, "the second grade")
    first, second = ann.feedback()
    assert first == page
    score = float(re.search(r"Score: ([\d.]+) / 10.0", second).group(1))
    assert score < FULL and "Attempt 2:" in _text(second)
    assert "The grade is your best attempt: now attempt 1, 10 / 10 points" in _text(second)
    assert "left today: 0 of 2" in _text(second)

    # The day's limit: kept, not graded, and the page says so.
    ann.submit(_notebook(served, _right()))
    _wait(lambda: len(service.lines("deferred")) == 1, "the third submission to be kept back")
    third = ann.feedback()[-1]
    assert "is kept, not graded yet" in _text(third) and "Score:" not in third
    assert len(service.lines("graded")) == 2
    service.stop()
    grades = pd.read_csv(served.cdir.root / "gradebook.csv")
    assert grades[grades.student == "ann"].score.sum() == FULL  # the best, not the last graded
    attempts = list(csv.DictReader((served.cdir.root / "gradebook-attempts.csv").open()))
    assert [(a["attempt"], a["counts"]) for a in attempts] == [("1", "True"), ("2", "False")]
    # nbgrader's own gradebook has the attempt that counts too.
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{served.cdir.root / 'gradebook.db'}") as gb:
        assert gb.find_submission("perceptron", "ann").score == FULL

    # kill -9 while a dozen submissions are being graded, then a restart.
    made = {}
    for number in range(12):
        sub = _right() if number % 2 else _wrong()
        made[f"learner-{number:02d}"] = (drop(served, f"learner-{number:02d}", "perceptron", _notebook(served, sub)),
                                         sub.expect_full)
    service = Running(served, log)
    _wait(lambda: any("learner-" in ln for ln in service.lines("graded")), "the first of the dozen")
    service.kill9()
    graded_before = {ln.split("student=")[1].split()[0] for ln in service.lines("graded") if "learner-" in ln}
    assert 0 < len(graded_before) < len(made), "the kill did not land mid-grading; the test proves too little"
    service = Running(served, log)
    _wait(lambda: all(released_page(served, "perceptron", secret).exists() and
                      "Attempt 1" in _text(released_page(served, "perceptron", secret).read_text())
                      for (_, secret), _full in made.values()), "every page after the restart")
    service.stop()
    graded = [ln.split("student=")[1].split()[0] for ln in service.lines("graded")]
    # Recorded before the kill but not yet released: its page comes from its autograded notebook, not a grading.
    again = [ln.split("student=")[1].split()[0] for ln in service.lines("released-again")]
    for student, ((_name, secret), full) in made.items():
        assert graded.count(student) <= 1, f"{student} graded {graded.count(student)} times"
        assert graded.count(student) + again.count(student) >= 1, f"{student}: no line in the log"
        assert len(list(AttemptStore.beside(ResultStore(served.cdir.root / RESULTS_DIR))
                        .folder(student, "perceptron").glob("*.json"))) == 1
        page = released_page(served, "perceptron", secret).read_text()
        assert (f"Score: {FULL} / {FULL}" in page) == full, student
    results = json.loads((served.cdir.root / "dlcourse-serve" / "health.json").read_text())
    assert results["ok"] and results["in_flight"] == 0
    # ann's third submission is still kept back (the day has not turned): not graded by any restart.
    assert graded.count("ann") == 2


def test_the_next_day_the_kept_submission_is_graded_older_waiting_ones_are_superseded(tmp_path) -> None:
    served = served_course(tmp_path, attempts={"graded_per_day": 2, "counts": "best"}, exchange_release=False)
    served.inbound.mkdir(parents=True)
    now = [datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)]
    service = Service(served.course, served.cdir.root, workers=1, clock=lambda: now[0])

    def settle() -> None:
        service.step()
        _wait(lambda: (service.step() or True) and not service.in_flight, "the service to be idle", 60)
        service.step()

    at = lambda minute: datetime(2026, 12, 1, 9, minute, tzinfo=timezone.utc)  # noqa: E731
    try:
        _, first = drop(served, "bea", "perceptron", _notebook(served, _right()), at(0))
        settle()
        _, second = drop(served, "bea", "perceptron", _notebook(served, _wrong()), at(1))
        settle()
        # Two waiting at once, past the day's limit: the older is superseded, the newer kept for tomorrow.
        _, older = drop(served, "bea", "perceptron", _notebook(served, _right()), at(2))
        _, newer = drop(served, "bea", "perceptron", _notebook(served, _wrong()), at(3))
        settle()
        assert "your submission of 2026-12-01 09:03:00 UTC, newer, took its place" in \
            _text(released_page(served, "perceptron", older).read_text())
        assert "is kept, not graded yet" in _text(released_page(served, "perceptron", newer).read_text())
        # A submission stamped before one already graded never overtakes it.
        _, stale = drop(served, "bea", "perceptron", _notebook(served, _right()), at(0) - timedelta(hours=1))
        settle()
        assert "newer, took its place" in _text(released_page(served, "perceptron", stale).read_text())
        assert service.counts.graded == 2

        now[0] = datetime(2026, 12, 2, 0, 5, tzinfo=timezone.utc)
        settle()
        page = _text(released_page(served, "perceptron", newer).read_text())
        assert "Attempt 3:" in page and "left today: 1 of 2" in page and "now attempt 1, 10 / 10" in page
        assert service.counts.graded == 3

        # A folder nbgrader submit is still writing (no submission_secret.txt yet) waits for it.
        name, secret = drop(served, "cy", "perceptron", _notebook(served, _right()))
        (served.inbound / name / "submission_secret.txt").unlink()
        settle()
        assert service.counts.graded == 3 and service.ledger.state(name) is None
        (served.inbound / name / "submission_secret.txt").write_text(secret)
        settle()
        assert service.counts.graded == 4 and "Score: 10.0 / 10.0" in released_page(served, "perceptron", secret).read_text()
        service.flush()
    finally:
        service.close()
    attempts = pd.read_csv(served.cdir.root / "gradebook-attempts.csv")
    attempts = attempts[attempts.student == "bea"]
    assert list(attempts.attempt) == [1, 2, 3] and list(attempts.counts) == [True, False, False]
    served_grade = pd.read_csv(served.cdir.root / "gradebook.csv")
    # `dlcourse grade` over the same course folder: nothing graded again, the same attempt counts.
    assert main(["grade", str(served.course_file), "--work", str(served.cdir.root)]) == 0
    batch_grade = pd.read_csv(served.cdir.root / "gradebook.csv")
    pd.testing.assert_frame_equal(served_grade, batch_grade)
    assert batch_grade[batch_grade.student == "bea"].score.sum() == FULL
    assert len(pd.read_csv(served.cdir.root / "gradebook-attempts.csv")) == 4


def test_the_documented_jupyterhub_service_and_systemd_unit_run_the_same_command() -> None:
    from traitlets.config import Config

    c = Config()
    snippet = ROOT / "docs" / "deploy" / "jupyterhub_config_serve.py"
    exec(compile(snippet.read_text(), str(snippet), "exec"), {"c": c, "get_config": lambda: c})  # noqa: S102
    # JupyterHub resolves the appended list as its traitlets config does: onto its default, [].
    services = c.JupyterHub.services.get_value([])
    [service] = [s for s in services if s["name"] == "dlcourse-serve"]
    command = service["command"]
    assert command[command.index("serve") - 1:command.index("serve") + 1] == ["dlcourse", "serve"]
    unit = (ROOT / "docs" / "deploy" / "dlcourse-serve.service").read_text()
    exec_start = next(ln.split("=", 1)[1].split() for ln in unit.splitlines() if ln.startswith("ExecStart="))
    assert exec_start[exec_start.index("serve") - 1:] == command[command.index("serve") - 1:]
    assert "--health-port" in command and service.get("url", "").startswith("http://127.0.0.1:")


def _parsed(**changes):
    import yaml

    from grader.course.config import parse_course

    data = yaml.safe_load((ROOT / "course.yaml").read_text())
    data.update(changes)
    return parse_course(data, "course.yaml", ROOT)


def test_attempts_and_exchange_in_course_yaml() -> None:
    from grader.errors import CourseError
    from grader.nbgrader_glue.course import exchange_config

    plain = _parsed()
    # No policy: every submission graded at once, the last one counts (what `dlcourse grade` always did).
    assert plain.attempts_for("perceptron").graded_per_day is None and plain.attempts_for("bce").counts == "last"
    assert plain.exchange is None and exchange_config(plain) == ""
    import yaml

    assignments = yaml.safe_load((ROOT / "course.yaml").read_text())["assignments"]
    assignments[0]["attempts"] = {"graded_per_day": 2}
    course = _parsed(attempts={"graded_per_day": 5, "counts": "best", "timezone": "Europe/Paris"},
                     assignments=assignments, exchange={"root": "/srv/nbgrader/exchange"})
    own, shared = course.attempts_for("perceptron"), course.attempts_for("bce")
    assert (own.graded_per_day, own.counts, own.timezone) == (2, "best", "Europe/Paris")  # its key, the rest course-wide
    assert (shared.graded_per_day, shared.counts) == (5, "best")
    config = exchange_config(course)
    assert "c.Exchange.root = '/srv/nbgrader/exchange'" in config
    assert "c.CourseDirectory.course_id = 'intro-dl'" in config  # course.id where the exchange names none
    with pytest.raises(CourseError) as bad:
        _parsed(attempts={"graded_per_day": 0, "counts": "worst", "timezone": "Mars/Olympus"})
    message = str(bad.value)
    assert "attempts.graded_per_day" in message and "attempts.counts" in message and "Mars/Olympus" in message


def test_the_page_follows_the_feedback_policy_before_the_learners_due_date(tmp_path) -> None:
    """Due yesterday, summary before it: a learner with an extension gets the summary (no drawn case
    shown), one without gets everything; both graded by the service, the same wrong code."""
    from grader.exercises import check_for
    from grader.grading.context import context_for

    yesterday = (datetime.now(timezone.utc) - timedelta(days=1)).replace(microsecond=0)
    served = served_course(tmp_path, exchange_release=False, keys={
        "assignment": {"perceptron": {"due": yesterday.isoformat(), "feedback": {"before_due": "summary", "after_due": "full"}}},
        "extensions": {"ext": {"perceptron": 30}},
    })
    served.inbound.mkdir(parents=True)
    service = Service(served.course, served.cdir.root, workers=1)
    try:
        secrets = {who: drop(served, who, "perceptron", _notebook(served, _wrong()))[1] for who in ("ext", "late")}
        _wait(lambda: (service.step() or True) and not service.in_flight and service.counts.graded == 2,
              "both submissions to be graded", 120)
    finally:
        service.close()
    pages = {who: _text(released_page(served, "perceptron", secret).read_text()) for who, secret in secrets.items()}

    def drawn_shown(who: str) -> list[str]:
        ctx = context_for(served.course, who)
        return [case.label for part in served.course.assignment("perceptron").parts
                for case in check_for("perceptron", part.id).drawn_for(ctx) if case.label in pages[who]]

    assert drawn_shown("late"), "the wrong code must fail a drawn case, or this test proves nothing"
    assert drawn_shown("ext") == []
    assert "shown after the due date" in pages["ext"] and "shown after the due date" not in pages["late"]
