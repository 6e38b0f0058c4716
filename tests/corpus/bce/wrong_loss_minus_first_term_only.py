"""Wrote the minus sign in front of the first term only, not of the whole bracket.

mistake: minus sign only on the first term
parts: bce_loss
"""

# %% bce_loss_code
EPS = 1e-12  # probabilities are clipped to [EPS, 1 - EPS]


def bce_loss(y, p):
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), EPS, 1.0 - EPS)
    return np.mean(-y * np.log(p) + (1 - y) * np.log(1 - p))
