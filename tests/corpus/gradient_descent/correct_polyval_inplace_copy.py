"""np.polyval for g'; updates in place on its own copy and stores copies with np.stack.

expect: full
"""

# %% dg_dw_code
def dg_dw(w):
    coeffs = np.array([4.0, 0.0, -6.0, 5.0]) / 16.0  # derivative of (w^4 - 3w^2 + 5w) / 16
    return np.polyval(coeffs, np.asarray(w, dtype=float))

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float, copy=True)
    snapshots = [w.copy()]
    step = 0
    while step < num_steps:
        w -= learning_rate * grad(w)  # in place is fine: w is my own copy
        snapshots.append(w.copy())
        step += 1
    return np.stack(snapshots)
