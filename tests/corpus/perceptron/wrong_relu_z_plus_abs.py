"""max(0, z) = (z + |z|) / 2, without the / 2.

mistake: z + |z| not halved
parts: relu
"""

# %% relu_code
def relu(z):
    z = np.asarray(z, dtype=float)
    return z + np.abs(z)
