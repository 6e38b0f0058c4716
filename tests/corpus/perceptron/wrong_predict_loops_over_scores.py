"""Loops over the scores with a list comprehension: fine for a batch, but for one sample z is a
single number and `for s in z` raises.

mistake: 'numpy.float64' object is not iterable
parts: predict
"""

# %% predict_code
def predict(X, W, w0):
    z = w0 + np.asarray(X, dtype=float) @ np.asarray(W, dtype=float)
    return np.array([1 if s >= 0 else 0 for s in z])
