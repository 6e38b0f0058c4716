"""Prints 100 MB at once, to the cell's output and straight to the process's fd 1 and fd 2.

attack: prints a single 100 MB string, writes 50 MB with os.write to fd 1 and fd 2, and leaves a 10 MB string as the cell's result, hoping to exhaust memory or the notebook's size
class: limits
honest: sigmoid, relu, perceptron_forward, predict, count_parameters
"""

# %% +after relu_code
import os

print("x" * 100_000_000)
for _fd in (1, 2):
    try:
        os.write(_fd, b"y" * 50_000_000)
    except OSError as exc:
        print("write", _fd, exc)
"z" * 10_000_000
