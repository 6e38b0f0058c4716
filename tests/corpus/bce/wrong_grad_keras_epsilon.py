"""Clips with its own epsilon of 1e-7 instead of the notebook's EPS.

mistake: p clipped at 1e-7 (Keras' epsilon), not the course's 1e-12
parts: bce_grad
"""

# %% bce_grad_code
def bce_grad(y, p):
    eps = 1e-7
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), eps, 1 - eps)
    return (p - y) / (p * (1 - p)) / p.size
