"""Pick the array namespace for the reference's inputs.

The reference is written once against the array API standard; this module is
the single place that decides which library (NumPy, CuPy, array-api-strict)
an input belongs to and turns Python numbers and lists into float64 arrays.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from array_api_compat import array_namespace, is_array_api_obj


def namespace(*values: Any) -> Any:
    """The array namespace of the array arguments; NumPy when none is an array."""
    arrays = [v for v in values if is_array_api_obj(v)]
    if not arrays:
        return array_namespace(np.empty(0))
    return array_namespace(*arrays)


def as_float(xp: Any, value: Any, like: Any = None) -> Any:
    """``value`` as a float64 array of namespace ``xp`` (on the device of ``like``)."""
    if is_array_api_obj(value):
        return xp.astype(value, xp.float64) if value.dtype != xp.float64 else value
    kwargs = {}
    if like is not None and is_array_api_obj(like):
        kwargs["device"] = like.device
    return xp.asarray(value, dtype=xp.float64, **kwargs)
