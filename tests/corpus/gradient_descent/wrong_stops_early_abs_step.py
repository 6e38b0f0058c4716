"""A while loop that also stops on a small step: the iterate of the small step is kept, then it stops.

mistake: stopped early on a tolerance
parts: gradient_descent
"""

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps):
    w = np.array(w_init, dtype=float)
    ws = [w]
    t = 0
    while t < num_steps:
        step = learning_rate * grad(w)
        w = w - step
        ws.append(w)
        t += 1
        if np.max(np.abs(step)) < 1e-12:
            break
    return np.array(ws)
