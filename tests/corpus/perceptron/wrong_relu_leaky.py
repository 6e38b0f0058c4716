"""Wrote the leaky ReLU seen in a tutorial.

mistake: leaky ReLU (negative z scaled by 0.01)
parts: relu
"""

# %% relu_code
def relu(z):
    z = np.asarray(z, dtype=float)
    return np.where(z > 0, z, 0.01 * z)
