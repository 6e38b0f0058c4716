"""Loops num_steps + 1 times, appending after each step.

mistake: one iterate too many
parts: gradient_descent
"""

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    ws = [w]
    for _ in range(num_steps + 1):
        w = w - learning_rate * grad(w)
        ws.append(w)
    return np.array(ws)
