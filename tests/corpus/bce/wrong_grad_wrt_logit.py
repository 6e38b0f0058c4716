"""Remembered the famous (p - y) and used it as the derivative with respect to p.

mistake: gradient with respect to the logit z
parts: bce_grad
"""

# %% bce_grad_code
def bce_grad(y, p):
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), EPS, 1.0 - EPS)
    return (p - y) / len(p.ravel())
