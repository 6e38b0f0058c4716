"""What a check is: data describing how one graded part is judged.

A ``Check`` belongs to one part of one assignment. It names the learner's
function, declares its ``Cases`` (fixed lecture examples and edge cases, plus
cases drawn from a per-learner seed; ``Check.cases_for`` is the one place that
builds them), says how to get the expected value from the reference, and lists
the mistakes it can recognise (``grader.learner.core.mistakes``). A reference
computation that depends on the course (the quartic of gradient_descent) asks
for the check's context with ``needs_context``, and every caller computes
through ``with_context``.
``Probe``s cover what a plain comparison cannot (statistics of a random layer,
gradients against finite differences). The runner turns all of it into a ``PartResult``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.learner.core.compare import Tolerance
from grader.learner.core.seeds import stable_seed

if TYPE_CHECKING:
    from grader.learner.core.adapters import PartAdapter
    from grader.learner.core.calls import CallKind
    from grader.learner.core.mistakes import Mistake


@dataclass(frozen=True)
class Context:
    """Everything a check may depend on besides the learner's code."""

    tolerance: Tolerance
    learner_id: str = "anonymous"
    randomized: bool = True
    xp: Any = np
    timeout_s: float = 10.0
    settings: Mapping[str, Any] = field(default_factory=dict)
    #: Helpers replaced while this part's calls run: name -> "<exercise>.<stand-in>" (grader.learner.core.found.stand_in).
    stand_ins: Mapping[str, str] = field(default_factory=dict)

    def rng(self, *salt: str) -> np.random.Generator:
        """A generator seeded by the learner and the salt: same learner, same cases."""

        return np.random.default_rng(stable_seed(self.learner_id, *salt, byteorder="little"))


@dataclass(frozen=True)
class Case:
    label: str
    args: tuple[Any, ...]
    kwargs: Mapping[str, Any] = field(default_factory=dict)
    tolerance_factor: float = 1.0


@dataclass(frozen=True)
class NeedsContext:
    """A reference computation (``Check.expected``, ``WrongAnswer.wrong``) that takes the check's context first.

    Deliberately not callable itself: a caller that forgot the context fails loudly instead of
    computing with some default. Call it through ``with_context``.
    """

    fn: Callable[..., Any]


def needs_context(fn: Callable[..., Any]) -> NeedsContext:
    """Mark ``fn(ctx, *args, **kwargs)`` as needing the context the check runs in (usable as a decorator)."""
    return NeedsContext(fn)


def with_context(fn: Callable[..., Any] | NeedsContext, ctx: Context) -> Callable[..., Any]:
    """``fn`` as a function of the learner function's arguments alone, given the context when it asks for it.

    The one way to call ``Check.expected`` or ``WrongAnswer.wrong``.
    """
    if isinstance(fn, NeedsContext):
        return functools.partial(fn.fn, ctx)
    return fn


@dataclass(frozen=True)
class Cases:
    """A check's cases: the fixed ones every learner (and the public self-check) gets, and drawn ones.

    ``fixed`` is a sequence, or ``fixed(ctx)`` when the cases depend on the course (the quartic's
    minimum). ``drawn(rng, ctx)`` adds cases from a generator seeded by the learner, the assignment
    and the part; only ``Check.cases_for`` seeds it, and only when the context is randomized.
    """

    fixed: Sequence[Case] | Callable[[Context], Sequence[Case]] = ()
    drawn: Callable[[np.random.Generator, Context], Sequence[Case]] | None = None

    def fixed_for(self, ctx: Context) -> list[Case]:
        """The fixed cases in ``ctx``, as a new list."""
        return list(self.fixed(ctx) if callable(self.fixed) else self.fixed)


@dataclass(frozen=True)
class Outcome:
    """One judged item: a case, a key of a case, or a probe."""

    label: str
    problem: str | None = None
    weight: float = 1.0
    #: The same judgement in every learner's run, where the label carries a drawn value (a probe at
    #: a p_drop drawn for the learner): what the trivial floor is computed by. Empty: the label.
    stable: str = ""
    #: What became of the learner's call (``CallResult.kind``), where one call decides this outcome and
    #: did not simply return a value to compare: the judge decides on it, never on the problem's words.
    call_kind: CallKind | None = None

    @property
    def passed(self) -> bool:
        return self.problem is None

    @property
    def identity(self) -> str:
        return self.stable or self.label


@dataclass(frozen=True)
class Probe:
    """A judgement a value comparison cannot make; returns its outcomes."""

    label: str
    run: Callable[[Callable[..., Any], Mapping[str, Any], Context], list[Outcome]]


@dataclass(frozen=True)
class Check:
    assignment: str
    part: str
    function: str
    arg_names: tuple[str, ...]
    #: A bare sequence or ``(ctx) -> cases`` is taken as fixed cases only (``__post_init__``), so the
    #: self-check can rebuild a check from its frozen public cases without knowing about draws.
    cases: Cases
    #: The reference; wrapped in ``needs_context`` when it depends on the context (see ``with_context``).
    expected: Callable[..., Any] | NeedsContext | None
    keys: tuple[str, ...] | None = None
    mistakes: tuple[Mistake, ...] = ()
    probes: tuple[Probe, ...] = ()
    forbid_warnings: bool = True
    #: Where this part departs from the generic judging, declared by its exercise's module
    #: (``grader.learner.core.adapters``): a tuple result standing for keys, notes on a failed part.
    adapter: PartAdapter | None = None
    #: A later part's helpers replaced by stand-ins while this part is graded, as (name, "<exercise>.<stand-in>") pairs.
    stand_ins: tuple[tuple[str, str], ...] = ()
    #: For a part judged by probes alone: any value of the shape the function returns for these
    #: arguments (the trivial floor fills it with constants; ``grader.learner.core.floor``).
    shape_of: Callable[..., Any] | None = None
    #: For a part built on a scaffold helper: the notebook's stand-in for ``function`` (``"<exercise>.<name>"``,
    #: declared by the exercise's learner-side module), and the check of the function the contract names
    #: (backward's w1 and b1). While the learner's helper is still the stand-in, or not written, the
    #: part is graded by ``via`` instead, on the work wherever the learner did it.
    stand_in: str | None = None
    via: Check | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.cases, Cases):
            object.__setattr__(self, "cases", Cases(fixed=self.cases))

    def cases_for(self, ctx: Context) -> list[Case]:
        """The cases this check judges in ``ctx``: the fixed ones, then (randomized) those drawn for the learner.

        The generator is seeded by (assignment, part) here and nowhere else, so every check draws
        from its own stream and a learner gets the same cases on every run.
        """
        return self.cases.fixed_for(ctx) + self.drawn_for(ctx)

    def drawn_for(self, ctx: Context) -> list[Case]:
        """Only the cases drawn for the learner (none unless the context is randomized)."""
        if ctx.randomized and self.cases.drawn is not None:
            return list(self.cases.drawn(ctx.rng(self.assignment, self.part), ctx))
        return []


def check_declarer(assignment: str) -> Callable[..., Check]:
    """``check(part, arg_names, cases, expected, **fields)``: the checks of one exercise, declared briefly.

    The learner's function is named like the part unless ``function=`` says otherwise.
    """

    def check(part: str, arg_names: tuple[str, ...], cases: Cases, expected: Callable[..., Any] | NeedsContext | None,
              *, function: str | None = None, **fields: Any) -> Check:
        return Check(assignment=assignment, part=part, function=function or part, arg_names=arg_names,
                     cases=cases, expected=expected, **fields)

    return check


@dataclass(frozen=True)
class LostDefinition:
    """Stands in a namespace for a name whose defining cell could not be run to the end."""

    reason: str


class Status(Enum):
    """What became of a part; every status but ``GRADED`` comes with its reason (``PartResult.reason``)."""

    #: Every case and probe was judged: the outcomes decide.
    GRADED = "graded"
    #: The learner has not written it: no such function, or it still raises NotImplementedError.
    UNANSWERED = "unanswered"
    #: It cannot be judged at all: not a function, the course's own code, or (a part judged by
    #: probes alone) every probe found it unwritten.
    COULD_NOT_RUN = "could-not-run"
    #: Grading itself could not finish judging it (the worker crashed, the cell defining it ran out
    #: of memory...): counted apart from wrong answers. Cases judged before the failure count, and
    #: those after it as failed; a definition lost with its cell leaves none.
    GRADING_FAILED = "grading-failed"


@dataclass
class PartResult:
    assignment: str
    part: str
    function: str
    max_points: float
    outcomes: list[Outcome] = field(default_factory=list)
    diagnoses: list[Mistake] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    status: Status = Status.GRADED
    #: Why the status is not ``GRADED``, in words the learner reads.
    reason: str | None = None
    #: Labels of the outcomes an answer that ignores its input passes too (``grader.learner.core.floor``):
    #: they carry credit only when an outcome outside this set passes as well.
    floor: frozenset[str] = frozenset()
    #: The learner's function answered every case exactly as the notebook's stand-in does
    #: (``Check.stand_in``): it is the scaffold, not their work.
    is_stand_in: bool = False

    def end(self, status: Status, reason: str) -> PartResult:
        """Set the status and its reason together."""
        self.status, self.reason = status, reason
        return self

    @property
    def judged(self) -> bool:
        """Whether the outcomes make the points and the message; otherwise the reason is all there is."""
        return self.status is Status.GRADED or (self.status is Status.GRADING_FAILED and bool(self.outcomes))

    @property
    def above_floor(self) -> bool:
        """Whether something passed that no input-ignoring answer passes: the part shows work."""
        return any(o.passed and o.label not in self.floor for o in self.outcomes)

    @property
    def fraction(self) -> float:
        if not self.judged or not self.above_floor:
            return 0.0
        total = sum(o.weight for o in self.outcomes)
        return sum(o.weight for o in self.outcomes if o.passed) / total if total else 0.0

    @property
    def points(self) -> float:
        return round(self.max_points * self.fraction, 3)

    @property
    def passed(self) -> bool:
        return self.status is Status.GRADED and all(o.passed for o in self.outcomes)

    @property
    def gradebook_status(self) -> str:
        """passed, failed, or grading-failed (the sandbox could not finish judging it)."""
        if self.status is Status.GRADING_FAILED:
            return "grading-failed"
        return "passed" if self.passed else "failed"

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.passed]
