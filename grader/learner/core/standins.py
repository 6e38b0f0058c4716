"""Stand-ins for a later part's helper while an earlier part is graded.

The notebooks split one function across two parts: backprop's ``backward``
(part 2) calls ``hidden_layer_gradients`` (part 3), dropout's ``dropout_forward``
(training) calls ``check_p_drop`` (validation). Grading the earlier part calls
the learner's function with the helper replaced by one of these, the same
stand-ins the notebooks define until the learner writes their own, so an
unwritten or broken later part never costs the earlier one its points.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any


def nan_pair(*args: Any, **kwargs: Any) -> tuple[float, float]:
    """hidden_layer_gradients while the output layer is graded: its values are not looked at."""
    return math.nan, math.nan


def p_drop_as_float(p_drop: Any) -> float:
    """check_p_drop while dropout's training behaviour is graded (with valid p_drop only)."""
    return float(p_drop)


STAND_INS: Mapping[str, Callable[..., Any]] = {"nan_pair": nan_pair, "p_drop_as_float": p_drop_as_float}
