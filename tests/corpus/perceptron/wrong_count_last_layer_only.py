"""Assigns the count inside the loop instead of adding to it: only the last layer survives.

mistake: only the last layer counted
parts: count_parameters
"""

# %% count_parameters_code
def count_parameters(layer_sizes):
    total = 0
    for n_in, n_out in zip(layer_sizes[:-1], layer_sizes[1:]):
        total = n_in * n_out + n_out
    return int(total)
