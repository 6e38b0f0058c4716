"""Starts a timer that patches the worker a second later, after its cells were checked.

attack: starts threading.Timer(1.0) callbacks that later swap in lying versions of its functions, patch grader.learner.core.calls.safe_call and compare to report success, and re-bind exercise, so the change happens after the cells ran
class: patching
honest: sigmoid, relu, perceptron_forward, predict
"""

# %% count_parameters_code
import threading

import grader.learner.core.calls as _calls
import grader.learner.core.compare as _compare


def count_parameters(layer_sizes):
    return -1


def _later():
    g = globals()
    g["count_parameters"] = lambda layer_sizes: -2
    g["exercise"] = type("Fake", (), {"check": lambda self, part: 100.0})()
    _compare.compare_value = lambda *a, **k: None
    real = _calls.safe_call

    def ok(fn, *a, **k):
        result = real(fn, *a, **k)
        if getattr(fn, "__name__", "") == "count_parameters":
            result.kind, result.error = "ok", None
        return result

    _calls.safe_call = ok


for _delay in (1.0, 2.0, 4.0):
    _t = threading.Timer(_delay, _later)
    _t.daemon = True
    _t.start()
