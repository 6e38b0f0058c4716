"""Calls the quartic's dg_dw in the loop instead of the grad it was given.

mistake: dg_dw called instead of grad
parts: gradient_descent
"""

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    history = [w]
    for _ in range(num_steps):
        w = w - learning_rate * dg_dw(w)
        history.append(w)
    return np.array(history)
