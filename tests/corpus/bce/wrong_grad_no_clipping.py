"""Clipped in the loss but not in the gradient: dividing by p = 0.

mistake: p not clipped
parts: bce_grad
"""

# %% bce_grad_code
def bce_grad(y, p):
    y = np.asarray(y, dtype=float)
    p = np.asarray(p, dtype=float)
    n = p.size
    return (p - y) / (p * (1 - p)) / n
