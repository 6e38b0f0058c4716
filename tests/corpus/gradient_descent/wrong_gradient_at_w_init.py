"""Computes the gradient once, before the loop, and reuses it.

mistake: the gradient at w_init used in every step
parts: gradient_descent
"""

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    g = grad(w)
    path = [w.copy()]
    for _ in range(num_steps):
        w = w - learning_rate * g
        path.append(w.copy())
    return np.array(path)
