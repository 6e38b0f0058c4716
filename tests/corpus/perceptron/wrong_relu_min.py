"""np.minimum instead of np.maximum.

mistake: min instead of max
parts: relu
"""

# %% relu_code
def relu(z):
    z = np.asarray(z, dtype=float)
    return np.minimum(z, 0)
