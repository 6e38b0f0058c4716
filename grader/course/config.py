"""course.yaml, loaded into typed objects.

Every problem is reported as ``<file>: <key path>: <what was expected>``,
all problems of the file at once, through ``CourseError``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, ValidationError, field_validator, model_validator

from grader.errors import CourseError
from grader.course.typed import Number, Strict, WholeNumber, validation_problems
from reference.gradient_descent import Quartic


class Part(Strict):
    """A graded part of an assignment: one nbgrader grade cell."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    points: Annotated[Number, Field(ge=0)]
    description: str = ""


class AttemptsOverride(Strict):
    """An assignment's own attempt policy: the keys it sets replace the course-wide ones."""

    #: Submissions graded on the day they are made; later ones that day wait for the next day
    #: (or the batch). None: every submission is graded at once.
    graded_per_day: Annotated[WholeNumber, Field(ge=1)] | None = None
    #: Which graded attempt is the grade: the best total, or the last one submitted.
    counts: Literal["best", "last"] | None = None


class Attempts(Strict):
    """How resubmissions are graded (``attempts:``, course-wide or per assignment)."""

    graded_per_day: Annotated[WholeNumber, Field(ge=1)] | None = None
    counts: Literal["best", "last"] = "last"
    #: The time zone whose midnight starts a new day of attempts (an IANA name).
    timezone: str = "UTC"

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(name)
        except (ValueError, LookupError, OSError):
            raise ValueError(f"{name!r} is not a time zone name (such as UTC or Europe/Paris)") from None
        return name

    def with_override(self, override: AttemptsOverride | None) -> Attempts:
        if override is None:
            return self
        return self.model_copy(update={k: getattr(override, k) for k in override.model_fields_set})


class ExchangeConfig(Strict):
    """nbgrader's exchange, shared by `nbgrader submit`/`collect` and `dlcourse serve`."""

    #: nbgrader's Exchange.root: the folder every learner can write submissions into.
    root: Path
    #: nbgrader's CourseDirectory.course_id (default: course.id).
    course_id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")] | None = None


class Assignment(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    title: str
    notebook: Path
    parts: Annotated[list[Part], Field(min_length=1)]
    attempts: AttemptsOverride | None = None

    @property
    def points(self) -> float:
        return sum(p.points for p in self.parts)

    @field_validator("parts")
    @classmethod
    def _unique_parts(cls, parts: list[Part]) -> list[Part]:
        seen: set[str] = set()
        for part in parts:
            if part.id in seen:
                raise ValueError(f"part id {part.id!r} appears twice")
            seen.add(part.id)
        return parts


class Grading(Strict):
    """Defaults every check uses unless it states its own."""

    rtol: Annotated[Number, Field(ge=0)] = 1e-6
    atol: Annotated[Number, Field(ge=0)] = 1e-9
    cell_timeout_s: Annotated[Number, Field(gt=0)] = 30
    #: Address space of the sandboxed worker that runs one learner's code (RLIMIT_AS).
    memory_limit_mb: Annotated[WholeNumber, Field(ge=256)] = 2048
    #: Processes and threads the learner's code may run at once (a fork bomb stops here).
    max_processes: Annotated[WholeNumber, Field(ge=1)] = 64
    #: Largest file the learner's code may write, in its private scratch folder.
    max_file_mb: Annotated[WholeNumber, Field(ge=1)] = 64
    #: Printed text kept per cell; the rest is counted and cut.
    max_output_kb: Annotated[WholeNumber, Field(ge=1)] = 64
    #: Wall-clock and CPU budget for grading one submission, all cells and calls together.
    submission_timeout_s: Annotated[Number, Field(gt=0)] = 600
    #: Largest submitted notebook that is read at all; a larger one is recorded as not graded.
    max_notebook_mb: Annotated[Number, Field(gt=0)] = 20


class QuarticConfig(Strict):
    """g(w) = (c4 w**4 + c3 w**3 + c2 w**2 + c1 w + c0) / scale, coefficients highest power first."""

    coefficients: tuple[Number, Number, Number, Number, Number]
    scale: Annotated[Number, Field(gt=0)] = 1.0

    @field_validator("coefficients")
    @classmethod
    def _bounded_below(cls, c: tuple[float, ...]) -> tuple[float, ...]:
        if c[0] <= 0:
            raise ValueError(
                f"the w**4 coefficient (first) must be > 0 so that g has a minimum, got {c[0]}"
            )
        return c

    def quartic(self) -> Quartic:
        return Quartic(coefficients=self.coefficients, scale=self.scale)


class CourseInfo(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: str


class Course(Strict):
    course: CourseInfo
    grading: Grading = Grading()
    quartic: QuarticConfig
    assignments: Annotated[list[Assignment], Field(min_length=1)]
    quizzes: list[Path] = []
    #: Where learners submit (the service watches it); None: no exchange is configured.
    exchange: ExchangeConfig | None = None
    attempts: Attempts = Attempts()

    #: The folder course.yaml lives in; relative paths are taken from there.
    root: Path = Field(default=Path("."), exclude=True)
    #: The file this course was read from, handed on to every process that grades it.
    source: Path | None = Field(default=None, exclude=True)

    @property
    def file(self) -> Path:
        return self.source if self.source is not None else self.root / "course.yaml"

    @model_validator(mode="after")
    def _unique_assignments(self) -> Course:
        seen: set[str] = set()
        for a in self.assignments:
            if a.id in seen:
                raise ValueError(f"assignment id {a.id!r} appears twice")
            seen.add(a.id)
        return self

    def assignment(self, assignment_id: str) -> Assignment:
        for a in self.assignments:
            if a.id == assignment_id:
                return a
        known = ", ".join(a.id for a in self.assignments)
        raise KeyError(f"no assignment {assignment_id!r} in the course (known: {known})")

    def attempts_for(self, assignment_id: str) -> Attempts:
        """The attempt policy of one assignment (a quiz, or an assignment without its own: course-wide)."""
        own = next((a.attempts for a in self.assignments if a.id == assignment_id), None)
        return self.attempts.with_override(own)

    @property
    def exchange_course_id(self) -> str:
        return (self.exchange.course_id if self.exchange is not None and self.exchange.course_id
                else self.course.id)

    def path(self, relative: Path) -> Path:
        return relative if relative.is_absolute() else self.root / relative


def parse_course(data: Any, source: str, root: Path, file: Path | None = None) -> Course:
    """Validate an already-parsed course.yaml mapping."""
    if not isinstance(data, dict):
        raise CourseError(source, [f"(top level): expected a mapping of keys, got {type(data).__name__}"])
    try:
        course = Course.model_validate({**data, "root": root, "source": file})
    except ValidationError as exc:
        raise CourseError(source, validation_problems(exc, data, "course")) from None
    missing = [
        f"assignments[{i}](id={a.id}).notebook: file {a.notebook} does not exist under {root}"
        for i, a in enumerate(course.assignments)
        if not course.path(a.notebook).is_file()
    ]
    missing += [
        f"quizzes[{i}]: file {q} does not exist under {root}"
        for i, q in enumerate(course.quizzes)
        if not course.path(q).is_file()
    ]
    if missing:
        raise CourseError(source, missing)
    return course


def read_yaml(path: Path) -> Any:
    """A YAML file's data; CourseError naming the file (and line) when it is absent or malformed."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CourseError(str(path), ["file not found"]) from None
    except OSError as exc:
        raise CourseError(str(path), [f"cannot be read: {exc.strerror}"]) from None
    try:
        # libyaml's loader where there is one: the quiz files load ten times faster.
        return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "somewhere"
        problem = getattr(exc, "problem", None) or str(exc)
        raise CourseError(str(path), [f"not valid YAML at {where}: {problem}"]) from None


def load_course(path: str | Path = "course.yaml") -> Course:
    """Read, parse and validate course.yaml; CourseError names every problem."""
    path = Path(path)
    return parse_course(read_yaml(path), str(path), path.parent.resolve(), path.resolve())
