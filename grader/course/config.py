"""course.yaml, loaded into typed objects.

Every problem is reported as ``<file>: <key path>: <what was expected>``,
all problems of the file at once, through ``CourseError``. An assignment's ``settings:`` belong to
its exercise: they are validated by the ``Settings`` model that ``grader/exercises/<id>.py``
declares (gradient_descent's quartic), and an exercise that declares none takes none.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import AwareDatetime, Field, PrivateAttr, ValidationError, field_validator, model_validator

from grader.errors import CourseError
from grader.course.typed import Number, Strict, WholeNumber, validation_problems
from grader.exercises import exercise_modules
from grader.course.policy import Extensions, FeedbackPolicy, LatePolicy


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
    #: The exercise's own keys, checked against its module's ``Settings`` (``parse_course``).
    settings: dict[str, Any] | None = None
    #: ISO 8601 with a zone (2026-12-10T23:59:00+01:00); without one the assignment is never late.
    due: AwareDatetime | None = None
    #: This assignment's own late policy, instead of the course's.
    late_policy: LatePolicy | None = None
    #: What its feedback shows before and after the due date, instead of the course's rule.
    feedback: FeedbackPolicy | None = None
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


class CourseInfo(Strict):
    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]*$")]
    title: str


class Course(Strict):
    course: CourseInfo
    grading: Grading = Grading()
    assignments: Annotated[list[Assignment], Field(min_length=1)]
    quizzes: list[Path] = []
    #: Course-wide: how late work is scored (an assignment may carry its own late_policy).
    late_policy: LatePolicy = LatePolicy()
    #: Course-wide: what feedback shows before and after the due date (an assignment may carry its own).
    feedback: FeedbackPolicy = FeedbackPolicy()
    #: learner id -> assignment id -> days added to that learner's due date.
    extensions: Extensions = {}
    #: Where learners submit (the service watches it); None: no exchange is configured.
    exchange: ExchangeConfig | None = None
    attempts: Attempts = Attempts()

    #: The folder course.yaml lives in; relative paths are taken from there.
    root: Path = Field(default=Path("."), exclude=True)
    #: The file this course was read from, handed on to every process that grades it.
    source: Path | None = Field(default=None, exclude=True)
    #: Each assignment's settings as its exercise's ``Settings`` model validated them.
    _settings: dict[str, Any] = PrivateAttr(default_factory=dict)

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

    def settings_of(self, assignment_id: str) -> Any:
        """The assignment's settings, typed by its exercise's ``Settings``; None where it has none."""
        return self._settings.get(assignment_id)


def _exercise_settings(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """Each assignment's ``settings:`` validated by its exercise module, and every problem with them."""
    modules = exercise_modules()
    values: dict[str, Any] = {}
    problems: list[str] = []
    assignments = data.get("assignments")
    for i, entry in enumerate(assignments if isinstance(assignments, list) else []):
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str) or entry["id"] not in modules:
            continue
        assignment_id, raw = entry["id"], entry.get("settings")
        model = getattr(modules[assignment_id], "Settings", None)
        where = f"assignments[{i}](id={assignment_id}).settings"
        if model is None:
            if raw is not None:
                problems.append(f"{where}: {assignment_id} takes no settings (grader/exercises/{assignment_id}.py declares none)")
            continue
        try:
            values[assignment_id] = model.model_validate({} if raw is None else raw)
        except ValidationError as exc:
            problems += validation_problems(exc, raw, "course", prefix=where)
    return values, problems


def parse_course(data: Any, source: str, root: Path, file: Path | None = None) -> Course:
    """Validate an already-parsed course.yaml mapping."""
    if not isinstance(data, dict):
        raise CourseError(source, [f"(top level): expected a mapping of keys, got {type(data).__name__}"])
    settings, problems = _exercise_settings(data)
    try:
        course = Course.model_validate({**data, "root": root, "source": file})
    except ValidationError as exc:
        raise CourseError(source, validation_problems(exc, data, "course") + problems) from None
    if problems:
        raise CourseError(source, problems)
    course._settings = settings
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
    known = {a.id for a in course.assignments}
    missing += [
        f"extensions.{learner}.{assignment}: no assignment {assignment!r} in the course "
        f"(known: {', '.join(sorted(known))})"
        for learner, days in course.extensions.items()
        for assignment in days
        if assignment not in known
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
