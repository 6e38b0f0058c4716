"""course.yaml's keys for running a term: the late policy and what feedback shows before and after the due date.

Kept apart from ``grader.course.config`` so that the course model only names them; what they mean
is computed in ``grader.course.late`` and ``grader.term.release``.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from grader.course.typed import Number, Strict


class LatePolicy(Strict):
    """How late work is scored: a grace period, a share of the points earned per started day, a cut-off."""

    #: Submissions this many minutes after the due date (plus extension) still count as on time.
    grace_minutes: Annotated[Number, Field(ge=0)] = 0
    #: Fraction of the points earned deducted per started day late, counted from the end of the grace.
    penalty_per_day: Annotated[Number, Field(ge=0, le=1)] = 0
    #: Later than this many days after the end of the grace: 0 points (still graded, and said why).
    #: None: no cut-off beyond what penalty_per_day reaches by itself.
    zero_after_days: Annotated[Number, Field(gt=0)] | None = None


#: What a learner's feedback shows: ``full`` everything (as without a policy); ``summary`` the points
#: per part and the named mistake, without the inputs and values of the cases drawn for the learner.
Detail = Literal["summary", "full"]


class FeedbackPolicy(Strict):
    """What the generated feedback shows before the due date (plus the learner's extension), and after."""

    before_due: Detail = "full"
    after_due: Detail = "full"


def _ids_as_text(value: Any) -> Any:
    # A learner id such as 20231234 is read by YAML as a number; it is still the id nbgrader spells as text.
    if isinstance(value, dict):
        return {str(k) if isinstance(k, int) and not isinstance(k, bool) else k: v for k, v in value.items()}
    return value


#: learner id -> assignment id -> days added to that learner's due date.
Extensions = Annotated[
    dict[str, Annotated[dict[str, Annotated[Number, Field(ge=0)]], BeforeValidator(_ids_as_text)]],
    BeforeValidator(_ids_as_text),
]
