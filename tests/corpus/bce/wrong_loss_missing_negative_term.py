"""Only the y log p term: samples with y = 0 contribute nothing.

mistake: the (1 - y) log(1 - p) term is missing
parts: bce_loss
"""

# %% bce_loss_code
EPS = 1e-12  # probabilities are clipped to [EPS, 1 - EPS]


def bce_loss(y, p):
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), EPS, 1.0 - EPS)
    # cross-entropy: - sum over classes of (true prob) * log(predicted prob)
    return float(-np.mean(y * np.log(p)))
