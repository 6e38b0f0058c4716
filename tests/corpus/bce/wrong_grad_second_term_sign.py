"""d/dp log(1 - p) taken as 1 / (1 - p): the chain rule's minus is lost.

mistake: sign of the (1 - y) / (1 - p) term
parts: bce_grad
"""

# %% bce_grad_code
def bce_grad(y, p):
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), EPS, 1.0 - EPS)
    n = p.size
    return -(y / p + (1 - y) / (1 - p)) / n
