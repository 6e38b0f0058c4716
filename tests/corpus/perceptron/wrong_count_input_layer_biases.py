"""Gives every layer a bias per unit, the input layer included.

mistake: biases counted for the input layer too
parts: count_parameters
"""

# %% count_parameters_code
def count_parameters(layer_sizes):
    weights = sum(a * b for a, b in zip(layer_sizes[:-1], layer_sizes[1:]))
    biases = sum(layer_sizes)  # one bias per neuron
    return int(weights + biases)
