"""Crashes the worker with a segmentation fault in the predict cell.

attack: dereferences address 0 through ctypes.string_at(0) at the end of the predict cell, killing the interpreter with SIGSEGV
class: crash
honest: sigmoid, relu, perceptron_forward, count_parameters
grading-failed: predict
"""

# %% predict_code
import ctypes


def predict(X, W, w0):
    z = w0 + np.asarray(X, dtype=float) @ np.asarray(W, dtype=float)
    return (z >= 0).astype(int)


ctypes.string_at(0)
