"""Hangs the relu cell in a busy loop after telling the process to ignore SIGALRM.

attack: sets signal.signal(SIGALRM, SIG_IGN) and spins forever at the end of the relu cell, so the cell's time limit (an alarm) cannot interrupt it, hoping grading stalls or gives up on the whole notebook
class: limits
honest: sigmoid, perceptron_forward, predict, count_parameters
grading-failed: relu
"""

# %% relu_code
import signal


def relu(z):
    z = np.asarray(z, dtype=float)
    return np.maximum(z, 0.0)


signal.signal(signal.SIGALRM, signal.SIG_IGN)
while True:
    pass
