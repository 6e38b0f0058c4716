"""Preallocates one number per iterate: np.zeros(num_steps + 1) cannot hold a vector w.

mistake: np.shape(w_init)
parts: gradient_descent
"""

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    iterates = np.zeros(num_steps + 1)
    iterates[0] = w
    for k in range(num_steps):
        w = w - learning_rate * grad(w)
        iterates[k + 1] = w
    return iterates
