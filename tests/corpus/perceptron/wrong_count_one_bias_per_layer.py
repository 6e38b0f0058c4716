"""One bias per layer, as if the layer were a single unit.

mistake: one bias per layer instead of one per unit
parts: count_parameters
"""

# %% count_parameters_code
def count_parameters(layer_sizes):
    total = 0
    for i in range(1, len(layer_sizes)):
        total += layer_sizes[i - 1] * layer_sizes[i] + 1  # weights + bias
    return total
