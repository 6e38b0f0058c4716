"""The quiz file format as typed objects: one YAML file per quiz, one entry per question.

Field-level rules (types, required keys, non-negative points) live here, so
pydantic reports them; rules that relate fields to each other or need SymPy
or the reference (an answer among the options, an answer that parses, a
compute function that exists) live in ``grader.quiz.load``, which reports
every problem of a file at once.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Field

from grader.learner.core.variants import PLACEHOLDER, VARIANT_SET
from grader.course.typed import Number, Strict, WholeNumber

#: Ids end up in Python names (``answer_<qid>``) and nbgrader grade ids.
ID_PATTERN = r"^[a-z][a-z0-9_]*$"
#: ``{{name}}`` in a prompt is replaced by the learner's value of parameter ``name``.

Id = Annotated[str, Field(pattern=ID_PATTERN)]


class Option(Strict):
    """One choice of a single- or multiple-choice question."""

    key: Annotated[str, Field(pattern=r"^[a-z]$")]
    text: str
    #: Shown when a learner picks this option and it is wrong (or misses it, for multiple choice).
    feedback: str = ""


class RangeFeedback(Strict):
    """A message for wrong numeric answers inside [low, high] (either end may be open)."""

    low: Number | None = None
    high: Number | None = None
    message: str

    def contains(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)


class _QuestionBase(Strict):
    id: Id
    prompt: str
    points: Annotated[Number, Field(ge=0)]
    #: Shown only in grading feedback, never in the released notebook.
    explanation: str

    @property
    def placeholders(self) -> set[str]:
        return set(PLACEHOLDER.findall(self.prompt))

    def draws(self) -> dict[str, list[Any]]:
        """Per-learner choices: parameter name -> the values one is drawn from (none by default)."""
        return {}


class SingleChoice(_QuestionBase):
    type: Literal["single_choice"]
    options: Annotated[list[Option], Field(min_length=2)]
    answer: str


class MultipleChoice(_QuestionBase):
    type: Literal["multiple_choice"]
    options: Annotated[list[Option], Field(min_length=2)]
    answer: Annotated[list[str], Field(min_length=1)]


class NumericVariant(Strict):
    """One authored variant of a numeric question: the values shown and its answer."""

    values: dict[str, Any]
    answer: Number


#: A numeric question's authored variants are drawn as a single parameter of this name.


class Numeric(_QuestionBase):
    type: Literal["numeric"]
    #: Exactly one of ``answer`` (everyone) and ``variants`` (one per learner) is given.
    answer: Number | None = None
    variants: list[NumericVariant] | None = None
    atol: Annotated[float, Field(ge=0)] = 1e-9
    rtol: Annotated[float, Field(ge=0)] = 5e-3
    feedback: list[RangeFeedback] = []

    def draws(self) -> dict[str, list[Any]]:
        if not self.variants:
            return {}
        return {VARIANT_SET: [dict(v.values) for v in self.variants]}


class Integer(_QuestionBase):
    type: Literal["integer"]
    answer: WholeNumber
    feedback: list[RangeFeedback] = []


class Mistake(Strict):
    """A known wrong expression and what to tell a learner who wrote something equivalent to it."""

    expression: str
    feedback: str


class Symbolic(_QuestionBase):
    type: Literal["symbolic"]
    #: The names a learner may use; each becomes a real SymPy symbol.
    symbols: Annotated[list[str], Field(min_length=1)]
    #: Function names a learner may call; None means every name in symbolic.FUNCTIONS.
    functions: list[str] | None = None
    answer: str
    mistakes: list[Mistake] = []
    #: Interval the symbols are sampled from when SymPy cannot decide equivalence.
    sample_range: tuple[Number, Number] = (0.1, 0.9)
    #: Wall-clock limit for the whole equivalence check, process start included.
    time_limit_s: Annotated[float, Field(gt=0, le=60)] = 10.0


class ChoiceParameter(Strict):
    """A per-learner parameter drawn from a list of values."""

    choices: Annotated[list[Any], Field(min_length=1)]


class GridParameter(Strict):
    """A per-learner parameter drawn from low, low + step, ..., up to high."""

    low: Number
    high: Number
    step: Annotated[float, Field(gt=0, allow_inf_nan=False)]

    @property
    def choices(self) -> list[float]:
        count = int((self.high - self.low) / self.step + 1e-9) + 1
        # Rounding keeps 0.1 + 2 * 0.1 from printing as 0.30000000000000004.
        return [round(self.low + i * self.step, 10) for i in range(max(count, 0))]


class ComputeSpec(Strict):
    """Which reference-backed function gives the answer, and its arguments ("{{name}}" = a parameter)."""

    function: str
    args: dict[str, Any] = {}


class Compute(_QuestionBase):
    type: Literal["compute"]
    compute: ComputeSpec
    parameters: dict[str, Union[ChoiceParameter, GridParameter]] = {}
    result: Literal["number", "integer"] = "number"
    atol: Annotated[float, Field(ge=0)] = 1e-9
    rtol: Annotated[float, Field(ge=0)] = 5e-3
    feedback: list[RangeFeedback] = []

    def draws(self) -> dict[str, list[Any]]:
        return {name: list(p.choices) for name, p in self.parameters.items()}


Question = Annotated[
    Union[SingleChoice, MultipleChoice, Numeric, Integer, Symbolic, Compute],
    Field(discriminator="type"),
]
QUESTION_TYPES = ("single_choice", "multiple_choice", "numeric", "integer", "symbolic", "compute")


class QuizHeader(Strict):
    """The keys of a quiz file around its questions, validated on their own so that
    problems in the header and in every question are reported together."""

    id: Id
    title: str
    intro: str = ""
    questions: Annotated[list[Any], Field(min_length=1)]


class Quiz(Strict):
    id: Id
    title: str
    intro: str = ""
    questions: list[Question]
    #: The file the quiz was read from, for messages.
    source: str = Field(default="", exclude=True)

    @property
    def points(self) -> float:
        return sum(q.points for q in self.questions)

    def question(self, qid: str) -> Question:
        for q in self.questions:
            if q.id == qid:
                return q
        raise KeyError(f"quiz {self.id!r} has no question {qid!r}")
