"""Loops over the scores with a list comprehension: fine for a batch, but for one sample z is a
single number and `for s in z` raises.

mistake: np.where(z >= 0, 1, 0)
parts: predict
"""

# %% predict_code
def predict(X, W, w0):
    z = w0 + np.asarray(X, dtype=float) @ np.asarray(W, dtype=float)
    return np.array([1 if s >= 0 else 0 for s in z])
