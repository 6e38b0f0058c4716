"""Remembered "the gradient is p - y" from the lecture and returned it as it is.

mistake: (p - y) alone
parts: bce_grad
"""

# %% bce_grad_code
def bce_grad(y, p):
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), EPS, 1.0 - EPS)
    return p - y
