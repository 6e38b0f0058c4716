"""The learning rate ends up multiplying w instead of the gradient.

mistake: learning rate multiplies w instead of the gradient
parts: gradient_descent
"""

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    out = np.zeros((num_steps + 1,) + w.shape)
    out[0] = w
    for t in range(num_steps):
        w = learning_rate * w - grad(w)
        out[t + 1] = w
    return out
