"""Appends the same array object every step and updates it in place.

mistake: every row is the final iterate
parts: gradient_descent
"""

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)  # a copy, so w_init is safe
    iterates = [w]
    for _ in range(num_steps):
        w -= learning_rate * grad(w)
        iterates.append(w)
    return np.array(iterates)
