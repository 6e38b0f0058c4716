"""The gradient clipped with scikit-learn's old log_loss default, eps = 1e-15.

mistake: p clipped at 1e-15 (scikit-learn's log_loss), not the course's 1e-12
parts: bce_grad
"""

# %% bce_grad_code
def bce_grad(y, p):
    y = np.asarray(y, dtype=float)
    p = np.clip(np.asarray(p, dtype=float), 1e-15, 1 - 1e-15)
    return (-y / p + (1 - y) / (1 - p)) / p.size
