"""Put in the 1/2 from the gradient-friendly convention.

mistake: halved
parts: mse_loss
"""

# %% mse_loss_code
def mse_loss(y, yhat):
    err = np.asarray(yhat, dtype=float) - np.asarray(y, dtype=float)
    return float(0.5 * np.mean(err ** 2))
