"""A course with an nbgrader exchange of its own in a temporary folder, for the service's tests and benchmark.

``served_course`` writes a course.yaml naming a few of the course's assignments (absolute paths, so
it may live anywhere), an ``exchange:`` and an ``attempts:`` policy; releases them with
``nbgrader generate_assignment`` and ``nbgrader release_assignment``. ``drop`` places a submission
in inbound as ``nbgrader submit`` does (its naming, timestamp.txt, submission_secret.txt), without
the few seconds an ``nbgrader`` process takes to start.
"""

from __future__ import annotations

import base64
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import nbformat
import pytest
import yaml

from grader.course.config import Course, load_course
from grader.nbgrader_glue.course import CourseDirectory

ROOT = Path(__file__).resolve().parents[1]
NBGRADER_TIME = "%Y-%m-%d %H:%M:%S.%f %Z"


@dataclass
class Served:
    course: Course
    course_file: Path
    cdir: CourseDirectory
    exchange: Path

    @property
    def inbound(self) -> Path:
        return self.exchange / self.course.exchange_course_id / "inbound"


def served_course(folder: Path, assignments: tuple[str, ...] = ("perceptron",), attempts: dict[str, Any] | None = None,
                  exchange_release: bool = True, keys: dict[str, Any] | None = None) -> Served:
    """``keys``: top-level course.yaml keys to set, and ``{"assignment": {id: {key: value}}}`` for an assignment's."""
    data = yaml.safe_load((ROOT / "course.yaml").read_text())
    data["assignments"] = [dict(a, notebook=str(ROOT / a["notebook"])) for a in data["assignments"]
                           if a["id"] in assignments]
    data["quizzes"] = []
    exchange = folder / "exchange"
    exchange.mkdir(parents=True)
    exchange.chmod(0o777)  # nbgrader's exchange is writable by every learner
    data["exchange"] = {"root": str(exchange), "course_id": "intro-dl-test"}
    if attempts is not None:
        data["attempts"] = attempts
    keys = dict(keys or {})
    for a in data["assignments"]:
        a.update(keys.get("assignment", {}).get(a["id"], {}))
    data.update({k: v for k, v in keys.items() if k != "assignment"})
    course_file = folder / "course.yaml"
    course_file.write_text(yaml.safe_dump(data, sort_keys=False))
    course = load_course(course_file)
    cdir = CourseDirectory.prepare(course, folder / "work")
    for a in assignments:
        cdir.release(a)
        if exchange_release:
            cdir.nbgrader("release_assignment", a, "--force")
    return Served(course, course_file, cdir, exchange)


def drop(served: Served, student: str, assignment: str, nb: nbformat.NotebookNode,
         when: datetime | None = None) -> tuple[str, str]:
    """A submission in inbound exactly as ``nbgrader submit`` leaves it; returns (its folder's name, its secret)."""
    when = when or datetime.now(timezone.utc)
    stamp = when.astimezone(timezone.utc).strftime(NBGRADER_TIME)
    name = f"{student}+{assignment}+{stamp}+{base64.urlsafe_b64encode(os.urandom(9)).decode()}"
    folder = served.inbound / name
    tmp = served.inbound / f".{name}.tmp"
    tmp.mkdir()
    nbformat.write(nb, tmp / f"{assignment}.ipynb")
    (tmp / "timestamp.txt").write_text(stamp)
    secret = secrets.token_hex(64)
    (tmp / "submission_secret.txt").write_text(secret)
    tmp.rename(folder)  # appears whole, as a copy by nbgrader submit eventually is
    return name, secret


def released_page(served: Served, assignment: str, secret: str) -> Path:
    """Where ``nbgrader fetch_feedback`` looks for the page of the submission with this secret."""
    from nbgrader.utils import notebook_hash

    return (served.exchange / served.course.exchange_course_id / "feedback"
            / f"{notebook_hash(secret=secret, notebook_id=assignment)}.html")


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\\", "")


def wait(condition, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.05)


class Running:
    """`dlcourse serve` as its own process (its own session, so kill -9 takes its sandboxes too)."""

    def __init__(self, served: Served, log: Path, port: int | None = None) -> None:
        self.log = log
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
        command = [sys.executable, "-m", "grader.cli.entry", "serve", str(served.course_file), "--work",
                   str(served.cdir.root), "--workers", "2"] + (["--health-port", str(port)] if port else [])
        self.out = log.open("a")
        self.proc = subprocess.Popen(command, env=env, stdout=self.out, stderr=subprocess.STDOUT,
                                     start_new_session=True)

    def lines(self, word: str) -> list[str]:
        return [ln for ln in self.log.read_text().splitlines() if f" dlcourse.serve {word} " in ln]

    def kill9(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.out.close()

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        assert self.proc.wait(timeout=60) == 0, self.log.read_text()[-3000:]
        self.out.close()
