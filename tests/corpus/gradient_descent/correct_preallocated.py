"""Horner's rule for g'; the result array allocated up front and filled row by row.

expect: full
"""

# %% dg_dw_code
def dg_dw(w):
    w = np.asarray(w, dtype=float)
    # 4w^3 - 6w + 5 = ((4w) w - 6) w + 5
    return ((4.0 * w) * w - 6.0) * w / 16.0 + 5.0 / 16.0

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.copy(np.asarray(w_init, dtype=float))
    out = np.zeros((num_steps + 1,) + w.shape)
    out[0] = w
    for k in range(num_steps):
        step = learning_rate * np.asarray(grad(w))
        w = w - step
        out[k + 1] = w
    return out
