"""Treats a NumPy array like a list: ndarray has no append method.

mistake: 'numpy.ndarray' object has no attribute 'append'
parts: gradient_descent
"""

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    ws = np.array([w])
    for _ in range(num_steps):
        w = w - learning_rate * grad(w)
        ws.append(w)
    return ws
