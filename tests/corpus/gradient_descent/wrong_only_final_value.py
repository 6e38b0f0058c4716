"""Runs the loop correctly but returns only where it ended.

mistake: only the final value returned
parts: gradient_descent
"""

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    for i in range(num_steps):
        gradient = grad(w)
        w = w - learning_rate * gradient
    return w
