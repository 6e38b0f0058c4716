"""Counts only the weight matrices.

mistake: biases not counted
parts: count_parameters
"""

# %% count_parameters_code
def count_parameters(layer_sizes):
    n_params = 0
    for i in range(len(layer_sizes) - 1):
        # weight matrix between layer i and layer i+1
        n_params += layer_sizes[i] * layer_sizes[i + 1]
    return int(n_params)
