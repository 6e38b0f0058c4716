"""Returns a 200-million-element array from relu when the grader calls it.

attack: makes relu return np.ones(200_000_000, dtype=np.uint8) to the grader (an op_call frame on the stack; the notebook's own plot gets a small answer, to keep the batch short), far above any message size the grader should accept, hoping to exhaust the grader's memory
class: limits
honest: sigmoid, perceptron_forward, predict, count_parameters
"""

# %% relu_code
import sys


def _graded():
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code.co_name == "op_call":
            return True
        frame = frame.f_back
    return False


def relu(z):
    if not _graded():
        return np.zeros_like(np.asarray(z, dtype=float))
    return np.ones(200_000_000, dtype=np.uint8)
