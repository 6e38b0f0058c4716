"""w = w_init is no copy: w -= ... overwrites the caller's array (the stored rows are copies, so the values are right).

mistake: w_init changed in place
parts: gradient_descent
"""

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = w_init
    path = [np.copy(w)]
    for _ in range(num_steps):
        w -= learning_rate * grad(w)
        path.append(np.copy(w))
    return np.array(path, dtype=float)
