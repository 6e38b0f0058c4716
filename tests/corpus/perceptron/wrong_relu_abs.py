"""Reached for np.abs to get rid of the negative values.

mistake: absolute value instead of ReLU
parts: relu
"""

# %% relu_code
def relu(z):
    z = np.asarray(z, dtype=float)
    return np.abs(z)
