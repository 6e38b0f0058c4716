"""The per-sample derivative, without the 1/n of the mean.

mistake: forgot 1/n
parts: bce_grad
"""

# %% bce_grad_code
def bce_grad(y, p):
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), EPS, 1.0 - EPS)
    dL_dp = -y / p + (1 - y) / (1 - p)
    return dL_dp
