"""The textbook formula, which overflows for very negative z.

mistake: sigmoid overflow
parts: sigmoid
"""

# %% sigmoid_code
def sigmoid(z):
    # straight from the lecture slide: 1 / (1 + e^(-z))
    z = np.array(z, dtype=float)
    return 1 / (1 + np.exp(-z))
