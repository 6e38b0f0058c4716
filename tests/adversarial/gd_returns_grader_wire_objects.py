"""Returns the grader's own wire types (the Polynomial it was given, a LinearMap) instead of iterates.

attack: makes gradient_descent hand back objects the wire carries natively (the grad Polynomial it received, a LinearMap, a Generator), hoping they decode on the trusted side into something that compares as equal or calls back into the grader
class: lying-objects
assignment: gradient_descent
honest: dg_dw
"""

# %% gradient_descent_code
from grader.learner.core import wire


def gradient_descent(grad, w_init, learning_rate, num_steps):
    if isinstance(grad, wire.Polynomial):
        return grad
    if isinstance(grad, wire.LinearMap):
        return wire.LinearMap(np.eye(grad.matrix.shape[0]) * 0 + np.asarray(w_init, dtype=float)[:, None])
    return np.random.default_rng(0)
