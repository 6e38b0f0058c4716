"""Gives each layer a bias per input unit instead of per output unit.

mistake: biases counted for the inputs of each layer
parts: count_parameters
"""

# %% count_parameters_code
def count_parameters(layer_sizes):
    sizes = list(layer_sizes)
    total = 0
    for n_in, n_out in zip(sizes, sizes[1:]):
        total += n_in * n_out + n_in
    return total
