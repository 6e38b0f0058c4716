"""Adds the gradient instead of subtracting it.

mistake: ascent instead of descent
parts: gradient_descent
"""

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    history = [w]
    for step in range(num_steps):
        w = w + learning_rate * grad(w)  # move along the gradient
        history.append(w)
    return np.array(history)
