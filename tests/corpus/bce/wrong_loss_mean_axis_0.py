"""Averages over axis 0 (the samples), as in code written for (n, k) batches: a column vector gives shape (1,).

mistake: mean over axis 0 only
parts: bce_loss
"""

# %% bce_loss_code
EPS = 1e-12  # probabilities are clipped to [EPS, 1 - EPS]


def bce_loss(y, p):
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), EPS, 1.0 - EPS)
    losses = -(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))
    return np.mean(losses, axis=0)
