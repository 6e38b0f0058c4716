"""Adds up the per-sample losses instead of averaging them.

mistake: sum instead of mean
parts: bce_loss
"""

# %% bce_loss_code
EPS = 1e-12  # probabilities are clipped to [EPS, 1 - EPS]


def bce_loss(y, p):
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), EPS, 1.0 - EPS)
    total = 0.0
    for yi, pi in zip(y.ravel(), p.ravel()):
        total += -(yi * np.log(pi) + (1 - yi) * np.log(1 - pi))
    return float(total)
