"""Copied the clipping from a Keras-style snippet: epsilon = 1e-7.

mistake: p clipped at 1e-7 (Keras' epsilon), not the course's 1e-12
parts: bce_loss
"""

# %% bce_loss_code
EPS = 1e-12  # probabilities are clipped to [EPS, 1 - EPS]


def bce_loss(y, p):
    epsilon = 1e-7
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), epsilon, 1 - epsilon)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))
