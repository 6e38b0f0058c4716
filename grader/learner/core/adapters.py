"""How one exercise's part departs from the generic judging: the one hook a ``Check`` carries.

Most parts need none: their function returns a value (or a dict judged by ``Check.keys``),
compared with the reference's, and a failed part says what failed. An exercise whose part needs
more declares a ``PartAdapter`` in its own module (``Check.adapter``), and the judge asks it
where a part may differ: how a returned value is read, how a right or mistaken value is read
alike, the keys outcomes are labelled by, how one case is compared, and what more to say about
a failed part. ``TupleResult`` is the generic departure the self-check must know too (a function
returning a tuple that stands for named keys); what the release freezes of an adapter, and
rebuilds on the learner's side, is ``public_fields`` and ``from_public``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.learner.core.compare import Tolerance, compare_entries, compare_value, describe
from grader.learner.core.model import Outcome

if TYPE_CHECKING:
    from grader.learner.core.model import Case, Check, Context


@dataclass(frozen=True)
class PartAdapter:
    """The generic judging; an exercise's adapter overrides what its part does differently."""

    def keys(self, check: Check) -> tuple[str, ...] | None:
        """The keys a result is judged by (each its own outcome), or None for a single value."""
        return check.keys

    def read(self, check: Check, value: Any) -> tuple[Any, str | None]:
        """The learner's returned value as it is judged, or why it cannot be (said for every key)."""
        return value, None

    def answer(self, check: Check, value: Any) -> Any:
        """A right or mistaken value, in the function's own shape, as the learner's is judged."""
        return value

    def outcomes(self, check: Check, case: Case, value: Any, expected: Any, tol: Tolerance) -> list[Outcome]:
        """One case's outcomes: the value read by ``read`` against ``answer`` of the right one."""
        what = f"{check.function}(...)"
        if check.keys:
            problems = compare_entries(value, expected, check.keys, tol, what)
            return [Outcome(f"{case.label} [{k}]", p) for k, p in problems.items()]
        return [Outcome(case.label, compare_value(value, expected, tol, what))]

    def explain(self, fn: Callable[..., Any], namespace: Mapping[str, Any], ctx: Context) -> list[str]:
        """Extra sentences for a failed part (whether a backward pass matches the learner's own forward, say)."""
        return []


#: The adapter of a check that declares none.
GENERIC = PartAdapter()


def adapter_of(check: Check) -> PartAdapter:
    return check.adapter if check.adapter is not None else GENERIC


def _returned(value: Any) -> str:
    if value is None:
        return "None (did the function forget to `return` its result?)"
    if isinstance(value, Mapping):
        return f"a dict (keys {', '.join(map(repr, value)) or 'none'})"
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} value{'s' if len(value) != 1 else ''}"
    return describe(value)


@dataclass(frozen=True)
class TupleResult(PartAdapter):
    """The function returns a tuple standing for these keys, in this order (backprop's
    ``hidden_layer_gradients`` returns ``(dw1, db1)`` for ("w1", "b1")). The learner's tuple, the
    expected value and each mistake's value (``WrongAnswer.wrong`` returns what the function would)
    are all judged as the dict these keys make of them, so ``Check.keys`` and the mistakes' keys apply."""

    result_keys: tuple[str, ...]

    def keys(self, check: Check) -> tuple[str, ...] | None:
        return check.keys or self.result_keys

    def read(self, check: Check, value: Any) -> tuple[Any, str | None]:
        """A tuple or list (or a 1-d array) of the right length is what the function promises, exactly
        what ``dw1, db1 = hidden_layer_gradients(...)`` unpacks; anything else (None, a dict, a tuple of
        another length) is reported as such, for every key."""
        keys = self.result_keys
        if isinstance(value, (tuple, list)) or (isinstance(value, np.ndarray) and value.ndim >= 1):
            items = list(value)
            if len(items) == len(keys):
                return dict(zip(keys, items)), None
        names = ", ".join(keys)
        return None, (
            f"{check.function}(...) returned {_returned(value)}; expected a tuple of {len(keys)} values "
            f"(for {names}, in that order)"
        )

    def answer(self, check: Check, value: Any) -> Any:
        if isinstance(value, (tuple, list)) and len(value) == len(self.result_keys):
            return dict(zip(self.result_keys, value))
        return value

    def outcomes(self, check: Check, case: Case, value: Any, expected: Any, tol: Tolerance) -> list[Outcome]:
        # value and expected are the dicts of result_keys; the learner's own result was a tuple.
        what = f"{check.function}(...)"
        position = {k: i for i, k in enumerate(self.result_keys)}
        return [
            Outcome(f"{case.label} [{k}]", compare_value(value[k], expected[k], tol, f"{what}[{position[k]}]"))
            for k in self.keys(check)
        ]


def public_fields(check: Check) -> dict[str, Any]:
    """What the self-check needs of a check's adapter, as the release freezes it: only the generic
    ``TupleResult`` part (an explanation may need the reference, and stays on the trusted side)."""
    adapter = check.adapter
    # The function returns a tuple standing for these keys; "expected" and the mistakes' values are
    # frozen in that same shape (the reference's and each mistake's own return value).
    return {"result_keys": list(adapter.result_keys) if isinstance(adapter, TupleResult) else None}


def from_public(data: Mapping[str, Any]) -> PartAdapter | None:
    """The learner-side half of a frozen check's adapter (``public_fields``)."""
    return TupleResult(tuple(data["result_keys"])) if data.get("result_keys") else None
