"""bce_loss clipped like Keras (1e-7), and bce_with_logits built on it through a stable sigmoid.

mistake: computed through probabilities clipped at 1e-7 (Keras' epsilon)
parts: bce_loss, bce_with_logits
"""

# %% bce_loss_code
EPS = 1e-12  # probabilities are clipped to [EPS, 1 - EPS]


def bce_loss(y, p):
    p = np.clip(np.asarray(p, dtype=float), 1e-7, 1 - 1e-7)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

# %% bce_with_logits_code
def bce_with_logits(y, z):
    z = np.asarray(z, dtype=float)
    e = np.exp(-np.abs(z))
    return bce_loss(y, np.where(z >= 0, 1 / (1 + e), e / (1 + e)))
