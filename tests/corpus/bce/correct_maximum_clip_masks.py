"""Clips 1 - p separately (np.maximum), splits the logits by sign with boolean masks.

expect: full
"""

# %% bce_loss_code
EPS = 1e-12  # probabilities are clipped to [EPS, 1 - EPS]


def bce_loss(y, p):
    y = np.array(y, dtype=float)
    p = np.array(p, dtype=float)
    log_p = np.log(np.maximum(p, EPS))
    log_not_p = np.log(np.maximum(1.0 - p, EPS))
    return float(-(y * log_p + (1.0 - y) * log_not_p).sum() / y.size)

# %% bce_grad_code
def bce_grad(y, p):
    y = np.array(y, dtype=float)
    p = np.array(p, dtype=float)
    np.clip(p, EPS, 1 - EPS, out=p)  # p is my own copy, so clipping in place is fine
    n = y.size
    return (p - y) / (p * (1 - p) * n)

# %% bce_with_logits_code
def bce_with_logits(y, z):
    y = np.array(y, dtype=float)
    z = np.array(z, dtype=float)
    loss = np.empty_like(z)
    pos = z >= 0
    # z >= 0:  (1 - y) z + log(1 + e^-z)
    loss[pos] = (1 - y[pos]) * z[pos] + np.log1p(np.exp(-z[pos]))
    # z < 0:   -y z + log(1 + e^z)
    neg = ~pos
    loss[neg] = -y[neg] * z[neg] + np.log1p(np.exp(z[neg]))
    return float(loss.mean())

# %% mse_loss_code
def mse_loss(y, yhat):
    d = np.subtract(y, yhat, dtype=float)
    return float(np.dot(d.ravel(), d.ravel()) / d.size)
