"""Computes the next point but never assigns it back to w: every step starts from w_init.

mistake: w never updated
parts: gradient_descent
"""

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    iterates = [w]
    for _ in range(num_steps):
        w_new = w - learning_rate * grad(w)
        iterates.append(w_new)
    return np.array(iterates)
