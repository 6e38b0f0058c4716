"""Dropout: the masks it draws and the fraction of units it keeps."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import matplotlib.pyplot as plt
import numpy as np

from grader.learner.kernel.plots._common import BLUE, GREY, ORANGE, call_learner, friendly, as_numbers, Unavailable

__all__ = ["dropout_masks", "kept_fraction"]


def _mask_of(dropout_forward: Callable[..., Any], a: np.ndarray, p_drop: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    result = call_learner("dropout_forward", dropout_forward, a, p_drop, np.random.default_rng(seed))
    if not isinstance(result, tuple) or len(result) != 2:
        raise Unavailable("dropout_forward", TypeError("it should return the pair (out, mask)"))
    out, mask = result
    if mask is None:
        raise Unavailable("dropout_forward", ValueError("in training it returned mask None"))
    return as_numbers("dropout_forward", out, a.shape), as_numbers("dropout_forward", mask, a.shape) != 0


@friendly
def dropout_masks(
    dropout_forward: Callable[..., Any],
    p_drops: Sequence[float] = (0.2, 0.5, 0.8),
    shape: tuple[int, int] = (16, 32),
    seed: int = 0,
) -> plt.Figure:
    """The learner's masks as images (white: kept, black: dropped), one per p_drop, on a batch of
    all-ones activations (rows: samples, columns: units)."""
    a = np.ones(shape)
    masks = [_mask_of(dropout_forward, a, p, seed)[1] for p in p_drops]

    fig, axes = plt.subplots(1, len(p_drops), figsize=(4.2 * len(p_drops), 2.9), squeeze=False)
    for ax, p, mask in zip(axes[0], p_drops, masks):
        ax.imshow(mask, cmap="gray", vmin=0, vmax=1, interpolation="nearest")
        ax.set(title=f"p_drop = {p:g}: kept {mask.mean():.0%} (expect {1 - p:.0%})", xlabel="unit", ylabel="sample")
        ax.set_xticks([])
        ax.set_yticks([])
    return fig


@friendly
def kept_fraction(dropout_forward: Callable[..., Any], size: int = 10_000, seed: int = 0) -> plt.Figure:
    """Left: the fraction of units the learner's dropout keeps, against 1 - p_drop.
    Right: the mean of out divided by the mean of a, which inverted dropout keeps near 1."""
    p_drops = np.linspace(0.0, 0.9, 19)
    rng = np.random.default_rng(seed + 1)
    a = rng.uniform(0.5, 1.5, size=size)
    kept, ratio = [], []
    for i, p in enumerate(p_drops):
        out, mask = _mask_of(dropout_forward, a, float(p), seed + i)
        kept.append(mask.mean())
        ratio.append(out.mean() / a.mean())

    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 3.8))
    left.plot(p_drops, 1 - p_drops, color=GREY, lw=2, ls="--", label="1 - p_drop")
    left.plot(p_drops, kept, "o", color=BLUE, label="kept fraction of your mask")
    left.set(xlabel="p_drop", ylabel="fraction of units kept", title=f"{size} units per draw")
    left.legend()
    right.axhline(1.0, color=GREY, lw=2, ls="--", label="no change on average")
    right.plot(p_drops, ratio, "o", color=ORANGE, label="mean(out) / mean(a)")
    right.set(xlabel="p_drop", ylabel="ratio", ylim=(0, 2), title="rescaling by 1/(1 - p_drop) keeps the mean")
    right.legend()
    return fig
