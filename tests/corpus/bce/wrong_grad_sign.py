"""(y - p) in the numerator: the gradient points the wrong way.

mistake: gradient sign flipped
parts: bce_grad
"""

# %% bce_grad_code
def bce_grad(y, p):
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), EPS, 1.0 - EPS)
    n = p.size
    # d/dp of y log p + (1 - y) log(1 - p) is y/p - (1-y)/(1-p) = (y - p) / (p (1 - p))
    return (y - p) / (p * (1 - p)) / n
