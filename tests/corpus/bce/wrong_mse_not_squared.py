"""Averages the raw errors: positive and negative ones cancel.

mistake: errors not squared
parts: mse_loss
"""

# %% mse_loss_code
def mse_loss(y, yhat):
    y = np.asarray(y, dtype=float)
    yhat = np.asarray(yhat, dtype=float)
    return float(np.mean(y - yhat))
