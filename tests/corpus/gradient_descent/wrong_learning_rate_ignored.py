"""Forgot the learning rate in the update.

mistake: learning rate not used
parts: gradient_descent
"""

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    iterates = [w]
    for _ in range(num_steps):
        w = w - grad(w)
        iterates.append(w)
    return np.stack(iterates)
