"""nbgrader's exchange inbound, read as data: who submitted what and when, then a copy into submitted/.

``nbgrader submit`` writes ``<root>/<course_id>/inbound/<student>+<assignment>+<timestamp>+<random>/``
with the learner's files, ``timestamp.txt`` and ``submission_secret.txt``. The folder is the
learner's (inbound is writable by everyone), so it is read as ``grader.nbgrader_glue.reading`` reads a
submitted/ tree: names parsed as ``ExchangeCollect._path_to_record`` parses them, every file
opened without following a link, only the notebook the release names. ``collect`` then writes the
bytes read, and only those, where ``nbgrader collect`` puts a submission:
``<course folder>/submitted/<student>/<assignment>/``.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from grader.nbgrader_glue.reading import (TIMESTAMP, Found, Refused, Submission, entries, folder_path, parse_timestamp,
                                  read_file, read_submission, release_notebooks, usable_as_folder)
from grader.batch.results import write_atomic
from grader.course.config import Course
from grader.learner.core.text import display_name

SECRET = "submission_secret.txt"
#: nbgrader's secret is 128 hex digits; anything far longer is not one.
MAX_SECRET_BYTES = 1024


def inbound_path(course: Course) -> Path:
    if course.exchange is None:
        raise ValueError(f"{course.file}: no `exchange:` (root, course_id) to watch; add one to serve this course")
    return course.path(course.exchange.root).resolve() / course.exchange_course_id / "inbound"


def outbound_feedback_path(course: Course) -> Path:
    return inbound_path(course).parent / "feedback"


@dataclass(frozen=True)
class Entry:
    """One folder in inbound, as its name says: nbgrader's ``{student}+{assignment}+{timestamp}+{random}``."""

    name: str
    student: str
    assignment: str
    #: The timestamp in the name (naive UTC, as nbgrader's parse_utc gives it).
    submitted: datetime

    @property
    def key(self) -> tuple[str, str]:
        return self.student, self.assignment


def parse_entry(name: str) -> Entry | None:
    """The parts of an inbound folder's name, split as nbgrader's collect splits it (None: not one)."""
    parts = name.rsplit("+", 3)
    if len(parts) < 3:
        return None
    if len(parts) == 3:  # ExchangeSubmit.add_random_string = False
        parts.append("")
    student, assignment, stamp = parts[0], parts[1], parts[2]
    submitted = parse_timestamp(stamp)
    if not student or not assignment or submitted is None or not usable_as_folder(student):
        return None
    return Entry(name, student, assignment, submitted)


def scan(inbound: Path, assignments: set[str]) -> list[Entry]:
    """Every submission folder in inbound for an assignment of the course, oldest first; links and odd
    names are not submissions (nbgrader's collect would fail on them)."""
    found = []
    with folder_path(str(inbound), ()) as top:
        for name, mode in entries(top):
            if not stat.S_ISDIR(mode):
                continue
            entry = parse_entry(name)
            if entry is not None and entry.assignment in assignments:
                found.append(entry)
    return sorted(found, key=lambda e: (e.submitted, e.name))


@dataclass(frozen=True)
class Read:
    """An inbound submission read: the batch's ``Submission`` and the secret its feedback is released under."""

    sub: Submission
    secret: str
    #: Who owns the folder, where it is not the learner it names (nbgrader's collect warns of this too).
    owner_mismatch: str | None = None


def read_entry(inbound: Path, entry: Entry, limit_mb: float) -> Read:
    """The entry's notebook, timestamp.txt and secret, each read once as data (never raises for what it holds)."""
    found = Found(entry.student, entry.assignment, (entry.name,), f"{entry.assignment}.ipynb",
                  f"inbound/{display_name(entry.name, 120)}")
    sub = read_submission(str(inbound), found, release_notebooks(entry.assignment), int(limit_mb * 1024 * 1024))
    secret, owner = "", None
    try:
        with folder_path(str(inbound), (entry.name,)) as folder:
            try:
                secret = read_file(SECRET, folder, MAX_SECRET_BYTES).decode("ascii", "replace").strip()
            except Refused:
                secret = ""
            owner = _owner_mismatch(os.fstat(folder).st_uid, entry.student)
    except (Refused, OSError):
        pass
    return Read(sub, secret, owner)


def _owner_mismatch(uid: int, student: str) -> str | None:
    import pwd

    try:
        name = pwd.getpwuid(uid).pw_name
    except KeyError:
        name = f"uid {uid}"
    if name in (student, "root") or os.getuid() == uid:
        return None  # the learner's own folder, or one the service's own user wrote (a test, a copy)
    return f"submitted as {student!r} but the folder is owned by {name!r}"


def collect(root: Path, read: Read) -> None:
    """Place the submission where ``nbgrader collect --update`` would: submitted/<student>/<assignment>/."""
    sub = read.sub
    if sub.notebook is None:
        return
    dest = root / "submitted" / sub.student / sub.assignment
    write_atomic(dest / f"{sub.assignment}.ipynb", sub.notebook)
    for name, data in ((TIMESTAMP, sub.timestamp_bytes), (SECRET, read.secret.encode())):
        if data:
            write_atomic(dest / name, data)
        elif (dest / name).is_file():
            (dest / name).unlink()  # an older submission's time or secret is not this one's
