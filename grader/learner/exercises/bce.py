"""Binary cross-entropy: loss curves, BCE against MSE, logits against probabilities."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from grader.learner.kernel.plots._common import BLUE, GREEN, GREY, ORANGE, RED, call_learner, friendly, as_numbers, Unavailable, subplots

if TYPE_CHECKING:
    import matplotlib.pyplot as plt

__all__ = ["bce_curves", "bce_vs_mse", "logits_vs_probabilities"]


def _loss_per_probability(name: str, loss: Callable[..., Any], y: float, p: np.ndarray) -> np.ndarray:
    """loss(y, p) for every p separately (the learner's loss is a mean over its inputs)."""
    out = np.empty_like(p)
    for i, pi in enumerate(p):
        value = as_numbers(name, call_learner(name, loss, np.array([y]), np.array([pi])))
        if value.size != 1:
            raise Unavailable(name, ValueError(f"it returned {value.size} numbers for one sample; expected their mean"))
        out[i] = value.reshape(-1)[0]
    return out


@friendly
def bce_curves(bce_loss: Callable[..., Any]) -> plt.Figure:
    """The log loss of one sample against the predicted probability p, for y = 1 and for y = 0."""
    p = np.linspace(0.001, 0.999, 200)
    loss1 = _loss_per_probability("bce_loss", bce_loss, 1.0, p)
    loss0 = _loss_per_probability("bce_loss", bce_loss, 0.0, p)
    marks = np.array([0.001, 0.5, 0.9])
    marks1 = _loss_per_probability("bce_loss", bce_loss, 1.0, marks)

    fig, ax = subplots(figsize=(7.5, 4.2))
    ax.plot(p, loss1, color=RED, lw=2, label="y = 1: loss = -ln p")
    ax.plot(p, loss0, color=BLUE, lw=2, label="y = 0: loss = -ln(1 - p)")
    for pm, lm in zip(marks, marks1):
        ax.plot([pm], [lm], "o", color=RED)
        ax.annotate(f"p = {pm:g}: {lm:.3f}", (pm, lm), xytext=(8, 4), textcoords="offset points", color=RED, fontsize=9)
    ax.set(xlabel="predicted probability p that y = 1", ylabel="loss of one sample", ylim=(-0.2, 7.5),
           title="confident and wrong costs a lot; confident and right costs almost nothing")
    ax.legend(loc="upper center")
    return fig


@friendly
def bce_vs_mse(bce_loss: Callable[..., Any], mse_loss: Callable[..., Any]) -> plt.Figure:
    """For a sample with y = 1: log loss and squared error against p, and how steeply each punishes."""
    p = np.linspace(0.001, 0.999, 200)
    bce = _loss_per_probability("bce_loss", bce_loss, 1.0, p)
    mse = _loss_per_probability("mse_loss", mse_loss, 1.0, p)

    fig, ax = subplots(figsize=(7, 4))
    ax.plot(p, bce, color=RED, lw=2, label="binary cross-entropy")
    ax.plot(p, mse, color=GREEN, lw=2, label="squared error (1 - p)²")
    ax.set(xlabel="predicted probability p (the true label is y = 1)", ylabel="loss", ylim=(-0.2, 7.5),
           title="squared error never exceeds 1 for probabilities; log loss has no ceiling")
    ax.legend()
    return fig


@friendly
def logits_vs_probabilities(bce_loss: Callable[..., Any], bce_with_logits: Callable[..., Any]) -> plt.Figure:
    """For y = 1 and logits z: the loss from logits against the loss from clipped probabilities sigmoid(z).

    The probabilities come from the learner's own bce_with_logits: for y = 1 its loss is -ln sigmoid(z),
    so sigmoid(z) = exp(-loss), and this module computes no graded function itself."""
    z = np.linspace(-60.0, 10.0, 281)
    from_logits = _loss_per_probability("bce_with_logits", bce_with_logits, 1.0, z)
    from_probs = _loss_per_probability("bce_loss", bce_loss, 1.0, np.exp(-from_logits))

    fig, ax = subplots(figsize=(7.5, 4.2))
    ax.plot(z, from_logits, color=BLUE, lw=2.5, label="bce_with_logits(1, z)")
    ax.plot(z, from_probs, color=ORANGE, lw=2, ls="--", label="bce_loss(1, sigmoid(z))")
    ax.axhline(-np.log(1e-12), color=GREY, ls=":", lw=1)
    ax.text(-59, -np.log(1e-12) + 1.2, "-ln(1e-12) ≈ 27.6: the clipping ceiling", color=GREY, fontsize=9)
    ax.set(xlabel="logit z (the label is y = 1)", ylabel="loss",
           title="from logits, the loss keeps growing; through probabilities it gets stuck")
    ax.legend(loc="upper right")
    return fig
