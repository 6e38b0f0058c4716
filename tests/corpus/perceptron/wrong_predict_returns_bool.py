"""Returns the boolean comparison itself instead of integers 0/1.

mistake: predict(...) is a boolean (False); a number was expected
parts: predict
"""

# %% predict_code
def predict(X, W, w0):
    z = w0 + X @ W
    return z >= 0
