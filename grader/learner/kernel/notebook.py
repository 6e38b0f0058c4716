"""What an exercise notebook's cells call in the learner's kernel: the self-check and the exercise's settings.

Grading never runs these: the test cells are graded on the trusted side of
the sandbox. Here they only tell the learner how they are doing, from the
data released with the notebook. Under ``nbgrader validate`` a failing check
raises, so Validate cannot report success for unfinished work.
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from grader.learner.core.feedback import render_part
from grader.learner.kernel.selfcheck import check_part, in_validate_mode, load_public, refuse_in_autograde


class SelfCheckFailed(AssertionError):
    """Raised only under nbgrader validate, so that Validate reports the failing parts."""


class Exercise:
    """Bound to one assignment and the notebook's globals; gives the cells `check`."""

    def __init__(self, assignment: str, namespace: MutableMapping[str, Any]) -> None:
        self.assignment = assignment
        self.namespace = namespace
        self._public: dict[str, Any] | None = None

    def public(self) -> dict[str, Any]:
        if self._public is None:
            self._public = load_public(self.assignment)
        return self._public

    def check(self, part: str) -> None:
        """The public self-check: fixed cases and probes, a report, no grade."""
        refuse_in_autograde()
        try:
            result = check_part(self.public(), part, self.namespace)
        except Exception as exc:  # noqa: BLE001 - a broken self-check must not look like the learner's fault
            print(f"The self-check itself failed ({type(exc).__name__}: {exc}); please tell your instructor.")
            if in_validate_mode():
                raise SelfCheckFailed(f"{part}: the self-check could not run ({exc})") from None
            return
        print(render_part(result))
        if result.passed:
            print("  Well done: the hidden tests will also try cases drawn just for you.")
        elif in_validate_mode():
            raise SelfCheckFailed(f"{part}: {result.points:g} of {result.max_points:g} points on the public checks")

    def settings(self) -> dict[str, Any]:
        """The exercise's own settings in course.yaml, as released (gradient_descent's quartic)."""
        return dict(self.public().get("settings") or {})
