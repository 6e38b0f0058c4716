"""Binary cross-entropy (log loss) and mean squared error."""

from __future__ import annotations

import math
from typing import Any

from reference._xp import as_float, namespace

#: Probabilities are clipped to [EPS, 1 - EPS] so that log never sees 0.
EPS = 1e-12


def _clipped(xp: Any, p: Any) -> Any:
    return xp.clip(p, EPS, 1.0 - EPS)


def bce_loss(y: Any, p: Any) -> Any:
    """Mean of -(y log p + (1 - y) log(1 - p)), natural log, p clipped first."""
    xp = namespace(y, p)
    p = _clipped(xp, as_float(xp, p))
    y = as_float(xp, y, like=p)
    return xp.mean(-(y * xp.log(p) + (1.0 - y) * xp.log(1.0 - p)))


def bce_grad(y: Any, p: Any) -> Any:
    """d(mean BCE)/dp = (p - y) / (p (1 - p)) / n, with the same clipping."""
    xp = namespace(y, p)
    p = _clipped(xp, as_float(xp, p))
    y = as_float(xp, y, like=p)
    n = max(1, math.prod(p.shape))
    return (p - y) / (p * (1.0 - p)) / n


def bce_with_logits(y: Any, z: Any) -> Any:
    """Mean BCE of sigmoid(z), from the logits directly.

    Uses log(1 + exp(-|z|)) + max(z, 0) - y z, which equals the BCE of
    sigmoid(z) without ever forming a probability that rounds to 0 or 1.
    """
    xp = namespace(y, z)
    z = as_float(xp, z)
    y = as_float(xp, y, like=z)
    positive_part = xp.where(z > 0, z, xp.zeros_like(z))
    return xp.mean(positive_part - y * z + xp.log1p(xp.exp(-xp.abs(z))))


def mse_loss(y: Any, yhat: Any) -> Any:
    """Mean of (y - yhat)**2."""
    xp = namespace(y, yhat)
    yhat = as_float(xp, yhat)
    y = as_float(xp, y, like=yhat)
    return xp.mean((y - yhat) ** 2)
