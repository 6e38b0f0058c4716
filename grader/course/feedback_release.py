"""What a learner's feedback shows, and when: course.yaml's ``feedback`` (per assignment, else the course's).

Before the learner's due date (extension and grace included) the feedback follows ``before_due``,
after it ``after_due``; an assignment without a due date always follows ``after_due``. The decision
is taken when the feedback is produced (at grading), so feedback graded before the due date is
graded again to show more after it (``dlcourse grade`` does so by itself; ``nbgrader autograde --force``).
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import TYPE_CHECKING

from grader.course.late import as_utc, deadline
from grader.course.policy import Detail, FeedbackPolicy

if TYPE_CHECKING:
    from grader.course.config import Course


def feedback_policy(course: Course, assignment: str) -> FeedbackPolicy:
    found = next((a for a in course.assignments if a.id == assignment), None)
    return (found.feedback if found is not None else None) or course.feedback


def feedback_detail(course: Course, assignment: str, student: str, now: datetime | None = None) -> Detail:
    """``summary`` or ``full``: what ``student``'s feedback on ``assignment`` shows at ``now`` (default: now)."""
    policy = feedback_policy(course, assignment)
    end = deadline(course, assignment, student).on_time_until
    if end is None:
        return policy.after_due
    now = as_utc(now) if now is not None else datetime.now(timezone.utc)
    return policy.before_due if now < as_utc(end) else policy.after_due
