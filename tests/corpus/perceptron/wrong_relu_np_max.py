"""np.max(z, 0) reduces along axis 0 instead of comparing elementwise.

mistake: relu(...) has shape (); expected shape (5,)
parts: relu
"""

# %% relu_code
def relu(z):
    # max(0, z)
    return np.max(z, 0)
