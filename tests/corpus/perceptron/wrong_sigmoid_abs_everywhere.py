"""Took the stable exp(-|z|) but kept the z >= 0 branch for every z: negative z give sigmoid(|z|).

mistake: sigmoid of |z| for every z
parts: sigmoid, perceptron_forward
"""

# %% sigmoid_code
def sigmoid(z):
    z = np.asarray(z, dtype=float)
    # exp(-|z|) never overflows
    return 1.0 / (1.0 + np.exp(-np.abs(z)))
