"""Hangs inside relu in a loop that catches every exception, the call's time-out included.

attack: makes relu loop forever in `try: time.sleep(0.01) except BaseException: pass`, so the per-call time-out exception is swallowed
class: limits
honest: sigmoid, perceptron_forward, predict, count_parameters
grading-failed: relu
"""

# %% relu_code
import time


def relu(z):
    while True:
        try:
            time.sleep(0.01)
        except BaseException:  # noqa: BLE001
            pass
