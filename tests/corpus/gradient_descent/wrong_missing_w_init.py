"""Records w only after each step, so the starting point is not in the result.

mistake: w_init missing from the iterates
parts: gradient_descent
"""

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    ws = []
    for _ in range(num_steps):
        w = w - learning_rate * grad(w)
        ws.append(w)
    return np.array(ws)
