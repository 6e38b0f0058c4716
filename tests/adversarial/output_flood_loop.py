"""Floods the output: prints in a tight loop for two seconds in a cell, and from inside a function.

attack: prints as fast as it can for 2 s after the sigmoid cell and 5 MB from inside count_parameters on every call, hoping to blow up the notebook, the feedback or the grader's memory
class: limits
honest: sigmoid, relu, perceptron_forward, predict
"""

# %% +after sigmoid_code
import time

_start = time.monotonic()
_lines = 0
while time.monotonic() - _start < 2.0:
    print("flood " * 40)
    _lines += 1

# %% count_parameters_code
import sys


def count_parameters(layer_sizes):
    for _ in range(5_000):
        print("x" * 1_000)
        sys.stderr.write("y" * 1_000)
    return -1
