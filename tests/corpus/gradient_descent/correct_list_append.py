"""Expanded polynomial; iterates collected in a list.

expect: full
"""

# %% dg_dw_code
def dg_dw(w):
    w = np.asarray(w, dtype=float)
    return (4 * w**3 - 6 * w + 5) / 16

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)  # copy so the caller's array is untouched
    history = [w]
    for _ in range(num_steps):
        w = w - learning_rate * grad(w)  # new array each step
        history.append(w)
    return np.array(history)
