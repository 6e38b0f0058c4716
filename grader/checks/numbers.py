"""The one rule for a plain number: what a quiz compares a learner's answer with and prints."""

from __future__ import annotations

from typing import Any

import numpy as np


def scalar(value: Any) -> int | float:
    """The reference's single number as a Python int or float."""
    arr = np.asarray(value)
    if arr.size != 1:
        raise ValueError(f"expected a single number from the reference, got shape {arr.shape}")
    item = arr.reshape(()).item()
    return int(item) if isinstance(item, (int, np.integer)) and not isinstance(item, bool) else float(item)
