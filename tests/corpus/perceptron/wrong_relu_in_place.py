"""Zeroes the negative entries of the caller's array (np.asarray makes no copy of a float array).

mistake: z changed in place
parts: relu
"""

# %% relu_code
def relu(z):
    z = np.asarray(z, dtype=float)
    z[z < 0] = 0.0
    return z
