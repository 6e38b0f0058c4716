"""Clips like scikit-learn's log_loss did for years: eps = 1e-15.

mistake: p clipped at 1e-15 (scikit-learn's log_loss), not the course's 1e-12
parts: bce_loss
"""

# %% bce_loss_code
EPS = 1e-12  # probabilities are clipped to [EPS, 1 - EPS]


def bce_loss(y, p, eps=1e-15):
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
