"""Cross-entropy in bits: np.log2 instead of the natural log.

mistake: log base 2
parts: bce_loss
"""

# %% bce_loss_code
EPS = 1e-12  # probabilities are clipped to [EPS, 1 - EPS]


def bce_loss(y, p):
    y = np.asarray(y, dtype=float)
    p = np.clip(p, EPS, 1 - EPS)
    # cross-entropy from information theory
    losses = -(y * np.log2(p) + (1 - y) * np.log2(1 - p))
    return float(losses.mean())
