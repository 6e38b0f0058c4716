"""The formula without clipping: log(0) for perfect or confidently wrong predictions.

mistake: p not clipped
parts: bce_loss
"""

# %% bce_loss_code
EPS = 1e-12  # probabilities are clipped to [EPS, 1 - EPS]


def bce_loss(y, p):
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    loss = -np.mean(y * np.log(p) + (1 - y) * np.log(1 - p))
    return float(loss)
