"""A helper sigmoid_prime, but called with a1 instead of z1.

mistake: sigmoid' evaluated at a1 instead of z1
parts: backward_hidden
"""

# %% backward_hidden_code
def sigmoid_prime(z):
    s = sigmoid(z)
    return s * (1 - s)


def hidden_layer_gradients(x, dz2, params, cache):
    a1 = cache["a1"]
    dz1 = dz2 * params["w2"] * sigmoid_prime(a1)
    return np.sum(dz1 * x), np.sum(dz1)
