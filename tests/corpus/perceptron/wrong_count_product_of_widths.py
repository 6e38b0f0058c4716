"""Weights as the product of all the widths, biases as the units after the input.

mistake: all the widths multiplied together
parts: count_parameters
"""

# %% count_parameters_code
def count_parameters(layer_sizes):
    weights = int(np.prod(layer_sizes))
    biases = sum(layer_sizes[1:])
    return weights + biases
