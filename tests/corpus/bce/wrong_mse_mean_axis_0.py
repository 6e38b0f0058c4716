"""Averages the squared errors over the samples (axis 0) only: 2-D inputs give one value per column.

mistake: mean over axis 0 only
parts: mse_loss
"""

# %% mse_loss_code
def mse_loss(y, yhat):
    y = np.asarray(y, dtype=float)
    yhat = np.asarray(yhat, dtype=float)
    return np.mean((y - yhat) ** 2, axis=0)
