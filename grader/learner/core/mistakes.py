"""The known mistakes a check can name: three kinds, each recognised its own way.

* ``WrongAnswer``: a wrong version of the function, computed from the reference; it explains a
  part when it returns what the learner's function returned on every failed case it has a value on.
* ``Warns``: recognised by a warning the learner's call raised (an overflow, a log of zero).
* ``Mutates``: recognised by an argument the learner's call changed in place.

``judge.diagnose`` asks each mistake whether it explains the failed cases; the release freezes
each one for the self-check as the same plain record (``public`` and ``from_public``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from grader.learner.core.adapters import adapter_of
from grader.learner.core.compare import compare_entries, compare_value

if TYPE_CHECKING:
    from grader.learner.core.calls import CallResult
    from grader.learner.core.model import Case, Check, Context, NeedsContext

#: The cases a part failed, each with what the learner's call did on it.
Failed = list[tuple["Case", "CallResult"]]


class NotComputable(Exception):
    """A mistake's value does not exist for this case (the mistaken version raises there)."""


class WrongValues(Protocol):
    def wrong(self, mistake: WrongAnswer, case: Case) -> Any:
        """What ``mistake`` returns on ``case``; raises ``NotComputable`` where it has no value."""


@dataclass(frozen=True)
class Mistake(ABC):
    """A common mistake, named with a hint in the learner's feedback when it explains a part's failures."""

    name: str
    hint: str

    @abstractmethod
    def explains(self, check: Check, failed: Failed, ctx: Context, answers: WrongValues) -> bool:
        """Whether this mistake accounts for the failed cases of ``check``."""

    def covers(self, every: set[str]) -> set[str]:
        """The keys of the result this mistake explains (``every`` key the part judges, unless it says fewer)."""
        return every

    @abstractmethod
    def public(self) -> dict[str, Any]:
        """The mistake as the release freezes it (its values, if any, are frozen case by case)."""


@dataclass(frozen=True)
class WrongAnswer(Mistake):
    """``wrong`` takes the learner function's arguments and returns what the mistaken version would
    (wrapped in ``needs_context`` when it also needs the check's context; call it through
    ``with_context``). ``keys``: the keys of a dict result it explains, when not all of them."""

    wrong: Callable[..., Any] | NeedsContext
    keys: tuple[str, ...] | None = None

    def explains(self, check: Check, failed: Failed, ctx: Context, answers: WrongValues) -> bool:
        # A call that raised has no value to compare: the cases that returned one decide.
        returned = [(case, call) for case, call in failed if call.kind == "ok"]
        return bool(returned) and all(self._matches(check, case, call, ctx, answers) for case, call in returned)

    def _matches(self, check: Check, case: Case, call: CallResult, ctx: Context, answers: WrongValues) -> bool:
        adapter = adapter_of(check)
        value, problem = adapter.read(check, call.value)
        if problem is not None:
            return False
        try:
            wrong = adapter.answer(check, answers.wrong(self, case))
        except NotComputable:
            return False
        tol = ctx.tolerance.loosened(10 * case.tolerance_factor)
        keys = self.keys or adapter.keys(check)
        if keys:
            return all(p is None for p in compare_entries(value, wrong, keys, tol).values())
        return compare_value(value, wrong, tol) is None

    def covers(self, every: set[str]) -> set[str]:
        return set(self.keys) if self.keys else every

    def public(self) -> dict[str, Any]:
        return _record(self, keys=list(self.keys) if self.keys else None)


@dataclass(frozen=True)
class Warns(Mistake):
    """Recognised by a warning whose text holds ``warning`` ("overflow", "divide by zero")."""

    warning: str

    def explains(self, check: Check, failed: Failed, ctx: Context, answers: WrongValues) -> bool:
        return any(self.warning in w for _case, call in failed for w in call.warnings)

    def public(self) -> dict[str, Any]:
        return _record(self, warning=self.warning)


@dataclass(frozen=True)
class Mutates(Mistake):
    """Recognised by the learner's call changing ``argument`` in place."""

    argument: str

    def explains(self, check: Check, failed: Failed, ctx: Context, answers: WrongValues) -> bool:
        return any(self.argument in call.mutated for _case, call in failed)

    def public(self) -> dict[str, Any]:
        return _record(self, mutates=self.argument)


def _record(mistake: Mistake, warning: str | None = None, mutates: str | None = None,
            keys: list[str] | None = None) -> dict[str, Any]:
    # One record for every kind (the format the self-check has always read).
    return {"name": mistake.name, "hint": mistake.hint, "warning": warning, "mutates": mutates, "keys": keys}


def _frozen(*args: Any, **kwargs: Any) -> Any:
    raise NotComputable("a frozen mistake's values are read from the release data, never computed")


def from_public(record: Mapping[str, Any]) -> Mistake:
    """A mistake as the self-check rebuilds it from ``public``; a wrong answer's values come from the
    release data (``selfcheck.FrozenAnswers``), so its own function is never called."""
    if record.get("warning") is not None:
        return Warns(record["name"], record["hint"], warning=record["warning"])
    if record.get("mutates") is not None:
        return Mutates(record["name"], record["hint"], argument=record["mutates"])
    return WrongAnswer(record["name"], record["hint"], wrong=_frozen,
                       keys=tuple(record["keys"]) if record.get("keys") else None)
