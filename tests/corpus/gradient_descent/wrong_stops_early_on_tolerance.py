"""Stops once the step is tiny, as scipy.optimize does, instead of taking all num_steps steps.

mistake: stopped early on a tolerance
parts: gradient_descent
"""

# %% gradient_descent_code
def gradient_descent(grad, w_init, learning_rate, num_steps, tol=1e-8):
    w = np.array(w_init, dtype=float)
    path = [w]
    for _ in range(num_steps):
        w_new = w - learning_rate * np.asarray(grad(w))
        if np.linalg.norm(w_new - w) < tol:
            break  # converged
        w = w_new
        path.append(w)
    return np.array(path)
