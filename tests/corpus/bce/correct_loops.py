"""Sample by sample with math.log and explicit min/max clipping.

expect: full
"""

# %% bce_loss_code
import math

EPS = 1e-12  # probabilities are clipped to [EPS, 1 - EPS]


def bce_loss(y, p):
    ys = np.asarray(y, dtype=float).ravel()
    ps = np.asarray(p, dtype=float).ravel()
    total = 0.0
    for yi, pi in zip(ys, ps):
        pi = min(max(pi, EPS), 1 - EPS)
        total += -(yi * math.log(pi) + (1 - yi) * math.log(1 - pi))
    return total / len(ps)

# %% bce_grad_code
def bce_grad(y, p):
    ys = np.asarray(y, dtype=float)
    ps = np.asarray(p, dtype=float)
    grad = np.zeros(ps.shape)
    n = ps.size
    for idx in np.ndindex(ps.shape):
        pi = min(max(ps[idx], EPS), 1 - EPS)
        grad[idx] = (pi - ys[idx]) / (pi * (1 - pi)) / n
    return grad

# %% bce_with_logits_code
def bce_with_logits(y, z):
    ys = np.asarray(y, dtype=float).ravel()
    zs = np.asarray(z, dtype=float).ravel()
    total = 0.0
    for yi, zi in zip(ys, zs):
        # log(1 + e^{-|z|}) never overflows; max(z, 0) - y z puts the rest back
        total += max(zi, 0.0) - yi * zi + math.log1p(math.exp(-abs(zi)))
    return total / len(zs)

# %% mse_loss_code
def mse_loss(y, yhat):
    ys = np.asarray(y, dtype=float).ravel()
    hs = np.asarray(yhat, dtype=float).ravel()
    s = 0.0
    for a, b in zip(ys, hs):
        s += (a - b) ** 2
    return s / len(ys)
