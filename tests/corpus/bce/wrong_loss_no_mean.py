"""Returns the per-sample losses: the np.mean was forgotten.

mistake: per-sample losses returned (no mean)
parts: bce_loss
"""

# %% bce_loss_code
EPS = 1e-12  # probabilities are clipped to [EPS, 1 - EPS]


def bce_loss(y, p):
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), EPS, 1.0 - EPS)
    loss = -(y * np.log(p) + (1 - y) * np.log(1 - p))
    return loss
