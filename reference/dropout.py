"""Inverted dropout: drop units in training, rescale the survivors, do nothing at inference."""

from __future__ import annotations

from typing import Any

import numpy as np

from reference._xp import as_float, namespace


def check_p_drop(p_drop: Any) -> float:
    """p_drop as a float, or ValueError unless it is a probability in [0, 1)."""
    try:
        p = float(p_drop)
    except (TypeError, ValueError):
        raise ValueError(f"p_drop must be a number in [0, 1), got {p_drop!r}") from None
    if not 0.0 <= p < 1.0:  # also rejects NaN
        raise ValueError(f"p_drop must be in [0, 1), got {p_drop!r}")
    return p


def dropout_forward(
    a: Any, p_drop: float, rng: np.random.Generator, training: bool = True
) -> tuple[Any, Any]:
    """(out, mask): mask True where a unit is kept (probability 1 - p_drop), out = a * mask / (1 - p_drop).

    At inference (training=False) the layer is the identity and mask is None.
    The mask is drawn on the host from ``rng`` and moved to the array's device.
    """
    p = check_p_drop(p_drop)
    xp = namespace(a)
    a = as_float(xp, a)
    if not training:
        return a, None
    mask = xp.asarray(rng.random(tuple(a.shape)) >= p, device=a.device)
    return dropout_backward(a, mask, p), mask


def dropout_backward(dout: Any, mask: Any, p_drop: float) -> Any:
    """Gradient through inverted dropout: dout * mask / (1 - p_drop)."""
    p = check_p_drop(p_drop)
    xp = namespace(dout, mask)
    dout = as_float(xp, dout)
    return xp.where(mask, dout / (1.0 - p), xp.zeros_like(dout))
