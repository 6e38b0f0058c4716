"""Operator precedence: ** applies to the mean, not to the differences.

mistake: the mean squared instead of the squares averaged
parts: mse_loss
"""

# %% mse_loss_code
def mse_loss(y, yhat):
    return float(np.mean(np.asarray(y) - np.asarray(yhat)) ** 2)
