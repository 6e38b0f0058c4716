"""Stable seeds: the same parts give the same number in every process, on every machine.

A seed is a SHA-256 of the parts joined by ``SEP``, never Python's ``hash()``,
which is salted anew in every process. Both per-learner draws use it: the cases
an exercise check draws for a learner (``Context.rng``) and a quiz question's
personal values (``grader.learner.core.variants``), so a learner's values and cases
stay the same from one grading run to the next.
"""

from __future__ import annotations

import hashlib
from typing import Literal

#: Joins the parts; it cannot appear in ids, so ("ab", "c") and ("a", "bc") give different seeds.
SEP = "\x1f"


def stable_seed(*parts: str, byteorder: Literal["big", "little"] = "big") -> int:
    """A 64-bit seed: the first 8 bytes of SHA-256 of the parts joined by ``SEP`` (UTF-8), read in ``byteorder``.

    Quiz variants read the bytes big-endian and exercise cases little-endian; each keeps its order,
    because changing it would change every learner's values.
    """
    digest = hashlib.sha256(SEP.join(parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:8], byteorder)
