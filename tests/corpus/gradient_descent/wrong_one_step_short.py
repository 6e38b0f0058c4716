"""Counts w_init as one of the steps: the loop runs num_steps - 1 times.

mistake: one iterate short
parts: gradient_descent
"""

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    trajectory = [w]
    for t in range(1, num_steps):
        w = w - learning_rate * grad(w)
        trajectory.append(w)
    return np.array(trajectory)
