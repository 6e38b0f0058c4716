"""Uses math.exp from Python's math module, which takes one number only: fine for a single z,
but an array of z raises.

mistake: use NumPy's elementwise versions
parts: sigmoid, perceptron_forward
"""

# %% sigmoid_code
import math


def sigmoid(z):
    e = math.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))
