"""The classic perceptron rule with labels -1/+1.

mistake: np.sign instead of classes 0/1
parts: predict
"""

# %% predict_code
def predict(X, W, w0):
    z = w0 + np.asarray(X, dtype=float) @ np.asarray(W, dtype=float)
    return np.sign(z).astype(int)
