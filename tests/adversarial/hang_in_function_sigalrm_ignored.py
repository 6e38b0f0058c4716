"""Hangs inside count_parameters, after switching off SIGALRM, whenever the grader calls it.

attack: makes count_parameters set SIGALRM to SIG_IGN and spin forever when called by the grader (an op_call frame on the stack; the notebook's own plot gets an answer, to keep the batch short), so the per-call time limit cannot interrupt it, hoping to stall grading or take the other parts down with it
class: limits
honest: sigmoid, relu, perceptron_forward, predict
grading-failed: count_parameters
"""

# %% count_parameters_code
import signal
import sys


def _graded():
    frame = sys._getframe()
    while frame is not None:
        if frame.f_code.co_name == "op_call":
            return True
        frame = frame.f_back
    return False


def count_parameters(layer_sizes):
    if not _graded():
        return 0
    signal.signal(signal.SIGALRM, signal.SIG_IGN)
    while True:
        pass
