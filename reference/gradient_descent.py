"""Gradient descent, first on a quartic in one variable.

The quartic's coefficients come from course.yaml; ``Quartic`` turns them
into g and its derivative, and the module-level ``g`` and ``dg_dw`` are the
course default g(w) = (w**4 - 3 w**2 + 5 w) / 16.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from reference._xp import as_float, namespace


def _horner(xp: Any, coefficients: Sequence[float], w: Any) -> Any:
    result = xp.zeros_like(w)
    for c in coefficients:
        result = result * w + c
    return result


@dataclass(frozen=True)
class Quartic:
    """g(w) = (c[0] w**4 + c[1] w**3 + c[2] w**2 + c[3] w + c[4]) / scale."""

    coefficients: tuple[float, float, float, float, float]
    scale: float = 1.0

    @property
    def derivative_coefficients(self) -> tuple[float, ...]:
        degree = len(self.coefficients) - 1
        return tuple(c * (degree - i) for i, c in enumerate(self.coefficients[:-1]))

    def g(self, w: Any) -> Any:
        """The quartic, elementwise."""
        xp = namespace(w)
        return _horner(xp, self.coefficients, as_float(xp, w)) / self.scale

    def dg_dw(self, w: Any) -> Any:
        """Its derivative, elementwise."""
        xp = namespace(w)
        return _horner(xp, self.derivative_coefficients, as_float(xp, w)) / self.scale


DEFAULT_QUARTIC = Quartic(coefficients=(1.0, 0.0, -3.0, 5.0, 0.0), scale=16.0)
g = DEFAULT_QUARTIC.g
dg_dw = DEFAULT_QUARTIC.dg_dw


def gradient_descent(
    grad: Callable[[Any], Any], w_init: Any, learning_rate: float, num_steps: int
) -> Any:
    """Every iterate of w <- w - learning_rate * grad(w), starting with w_init.

    Shape (num_steps + 1,) for a scalar w_init, (num_steps + 1, d) for a vector.
    w_init itself is never modified.
    """
    xp = namespace(w_init)
    w = xp.asarray(as_float(xp, w_init), copy=True)
    iterates = [w]
    for _ in range(int(num_steps)):
        w = w - learning_rate * grad(w)
        iterates.append(w)
    return xp.stack(iterates)
