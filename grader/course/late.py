"""Lateness and its penalty: the one definition, used by the batch grader and by nbgrader's late plugin.

A submission's time is nbgrader's ``timestamp.txt`` as nbgrader reads it (``nbgrader.utils.parse_utc``:
naive UTC). The learner's due date is the assignment's ``due`` plus their extension (course.yaml's
``extensions``); an assignment without ``due`` is never late. After the grace, every started day costs
``penalty_per_day`` of the points earned; later than ``zero_after_days`` it scores 0. The penalty is a
share of the points earned, so the batch gradebook can spread it over the parts and still add up to the
penalty nbgrader records for the whole notebook.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone, tzinfo
from typing import TYPE_CHECKING

from grader.course.policy import LatePolicy

if TYPE_CHECKING:
    from grader.course.config import Course

DAY_S = 86400.0
#: Penalties are rounded here, so both paths store the same number (0.1 * 3 is not 0.3 in binary).
PENALTY_DIGITS = 6


def as_utc(when: datetime) -> datetime:
    """An aware time in UTC; a naive one is taken to be UTC already, as nbgrader stores times."""
    return when.replace(tzinfo=timezone.utc) if when.tzinfo is None else when.astimezone(timezone.utc)


def naive_utc(when: datetime) -> datetime:
    """The naive UTC time nbgrader's gradebook.db holds."""
    return as_utc(when).replace(tzinfo=None)


@dataclass(frozen=True)
class Deadline:
    """One learner's due date for one assignment, and the policy that scores what comes after it."""

    #: The assignment's due date as course.yaml gives it (its own zone), or None: never late.
    due: datetime | None
    extension_days: float
    policy: LatePolicy

    @property
    def effective(self) -> datetime | None:
        """The due date with the learner's extension (None where there is no due date)."""
        return None if self.due is None else self.due + timedelta(days=self.extension_days)

    @property
    def on_time_until(self) -> datetime | None:
        """The last moment that still counts as on time: due date, extension and grace."""
        end = self.effective
        return None if end is None else end + timedelta(minutes=self.policy.grace_minutes)


def deadline(course: Course, assignment: str, student: str) -> Deadline:
    """The learner's deadline: the assignment's due date and late policy (else the course's), their extension."""
    found = next((a for a in course.assignments if a.id == assignment), None)
    policy = (found.late_policy if found is not None else None) or course.late_policy
    extension = float(course.extensions.get(student, {}).get(assignment, 0.0))
    return Deadline(found.due if found is not None else None, extension, policy)


@dataclass(frozen=True)
class Lateness:
    """How late one submission is, and what that costs."""

    deadline: Deadline
    #: When it was submitted (aware, UTC), or None where there is no readable timestamp.txt.
    submitted_at: datetime | None

    @property
    def late_by_s(self) -> float:
        """Seconds after the learner's due date (extension included); 0 when on time or never late."""
        end = self.deadline.effective
        if end is None or self.submitted_at is None:
            return 0.0
        return max(0.0, (self.submitted_at - as_utc(end)).total_seconds())

    @property
    def counted_s(self) -> float:
        """The seconds late that count: those after the grace."""
        return max(0.0, self.late_by_s - 60.0 * self.deadline.policy.grace_minutes)

    @property
    def started_days(self) -> int:
        return math.ceil(self.counted_s / DAY_S) if self.counted_s > 0 else 0

    @property
    def zeroed(self) -> bool:
        cut = self.deadline.policy.zero_after_days
        return cut is not None and self.counted_s > cut * DAY_S

    @property
    def fraction(self) -> float:
        """The share of the points earned that is deducted."""
        if self.zeroed:
            return 1.0
        return min(1.0, self.started_days * self.deadline.policy.penalty_per_day)

    def penalty(self, raw: float) -> float:
        """Points deducted from ``raw`` points earned."""
        return round(max(raw, 0.0) * self.fraction, PENALTY_DIGITS)

    @property
    def warning(self) -> str | None:
        """Said in the summary: a due date, but no time to hold the submission against."""
        if self.deadline.due is not None and self.submitted_at is None:
            return "no readable timestamp.txt, so its submission time is unknown: counted as on time"
        return None

    def words(self, raw: float) -> str:
        """The lateness and its penalty in a sentence for the learner and the instructor ("" without a due date)."""
        d = self.deadline
        if d.due is None:
            return ""
        zone = d.due.tzinfo
        due = f"{_when(d.effective, zone)}" + (
            f" (with an extension of {_number(d.extension_days)} day{'s' if d.extension_days != 1 else ''})"
            if d.extension_days else "")
        if self.submitted_at is None:
            return f"Due {due}; the submission time is unknown (no readable timestamp.txt), so it counts as on time."
        submitted = f"Submitted {_when(self.submitted_at, zone)}"
        if self.late_by_s == 0:
            return f"{submitted}, before the due date {due}: on time."
        late = f"{submitted}, {_duration(self.late_by_s)} after the due date {due}"
        if self.counted_s == 0:
            return f"{late}: within the {_number(d.policy.grace_minutes)}-minute grace, so on time."
        if self.zeroed:
            return (f"{late}: more than {_number(d.policy.zero_after_days or 0)} days late, so it scores 0 "
                    f"(it was still graded: {_number(raw)} points earned, shown part by part).")
        days = f"{self.started_days} started day{'s' if self.started_days != 1 else ''} late"
        rate = f"{_number(100 * d.policy.penalty_per_day)}% of the points earned per day"
        return (f"{late}: {days} at {rate}, so {_number(self.penalty(raw))} of the {_number(raw)} points "
                f"earned {'are' if self.penalty(raw) != 1 else 'is'} deducted.")


def lateness(course: Course, assignment: str, student: str, submitted_at: datetime | None) -> Lateness:
    """How late ``student``'s submission of ``assignment`` at ``submitted_at`` (naive means UTC) is."""
    return Lateness(deadline(course, assignment, student), as_utc(submitted_at) if submitted_at else None)


def _number(x: float) -> str:
    return f"{x:.6g}"


def _when(when: datetime | None, zone: tzinfo | None) -> str:
    """A time in the zone course.yaml wrote the due date in, so both read alike."""
    if when is None:
        return ""
    shown = as_utc(when).astimezone(zone) if zone is not None else as_utc(when)
    return shown.strftime("%Y-%m-%d %H:%M ") + (shown.strftime("%Z") or "UTC")


def _duration(seconds: float) -> str:
    """1 day 12 hours, 3 hours 5 minutes, 40 seconds: the two largest units that are not zero."""
    units = (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1))
    left, parts = int(round(seconds)), []
    for name, size in units:
        count, left = divmod(left, size)
        if count:
            parts.append(f"{count} {name}{'s' if count != 1 else ''}")
    return " ".join(parts[:2]) or "0 seconds"
