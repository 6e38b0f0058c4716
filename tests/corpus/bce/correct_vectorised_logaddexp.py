"""Vectorised, with np.logaddexp for the logits form.

expect: full
"""

# %% bce_loss_code
EPS = 1e-12  # probabilities are clipped to [EPS, 1 - EPS]


def bce_loss(y, p):
    y = np.asarray(y, dtype=np.float64)
    p = np.clip(np.asarray(p, dtype=np.float64), EPS, 1 - EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))

# %% bce_grad_code
def bce_grad(y, p):
    y = np.asarray(y, dtype=np.float64)
    p = np.clip(np.asarray(p, dtype=np.float64), EPS, 1 - EPS)
    # derivative of -(y log p + (1-y) log(1-p)), divided by n because of the mean
    return (-y / p + (1 - y) / (1 - p)) / p.size

# %% bce_with_logits_code
def bce_with_logits(y, z):
    y = np.asarray(y, dtype=np.float64)
    z = np.asarray(z, dtype=np.float64)
    # -log sigmoid(z) = log(1 + e^-z) = logaddexp(0, -z);  -log(1 - sigmoid(z)) = logaddexp(0, z)
    per_sample = y * np.logaddexp(0.0, -z) + (1 - y) * np.logaddexp(0.0, z)
    return float(np.mean(per_sample))

# %% mse_loss_code
def mse_loss(y, yhat):
    return float(np.mean((np.asarray(y, dtype=float) - np.asarray(yhat, dtype=float)) ** 2))
