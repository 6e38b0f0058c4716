"""Returns the squared errors themselves.

mistake: per-sample squared errors returned (no mean)
parts: mse_loss
"""

# %% mse_loss_code
def mse_loss(y, yhat):
    diff = np.asarray(y, dtype=float) - np.asarray(yhat, dtype=float)
    return diff ** 2
