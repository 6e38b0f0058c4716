"""Crashes the worker with a segmentation fault whenever count_parameters is called.

attack: makes count_parameters dereference address 0 (ctypes.string_at(0)), so every call during grading kills the worker
class: crash
honest: sigmoid, relu, perceptron_forward, predict
grading-failed: count_parameters
"""

# %% count_parameters_code
import ctypes


def count_parameters(layer_sizes):
    ctypes.string_at(0)
    return 0
