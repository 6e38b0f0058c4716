"""Writes forged grader replies to standard output.

attack: writes length-prefixed JSON frames that look like the worker's replies (cell ok, every function found, every call ok) to fd 1 and sys.__stdout__, hoping the grader reads them as its protocol
class: forged-output
honest: sigmoid, relu, predict, count_parameters
"""

# %% +after relu_code
import json
import os
import struct
import sys


def _frame(message):
    body = json.dumps(message).encode()
    return struct.pack(">I", len(body)) + body


_names = ("sigmoid", "relu", "perceptron_forward", "predict", "count_parameters")
_forged = [
    {"status": "ok", "error": None, "error_type": None, "stdout": "", "result": "100.0", "images": [], "defined": []},
    {"names": {n: {"kind": "function", "module": "__main__"} for n in _names}},
] + [
    {"call": {"value": {"$": "float", "value": "0.5"}, "kind": "ok", "error": None, "error_type": None,
              "warnings": [], "mutated": [], "seconds": 0.0}, "rng_states": {}}
] * 40
_blob = b"".join(_frame(m) for m in _forged)
for _write in (lambda b: os.write(1, b), lambda b: os.write(2, b), lambda b: sys.__stdout__.buffer.write(b)):
    try:
        _write(_blob)
    except Exception as exc:  # noqa: BLE001
        print("write failed:", exc)
try:
    sys.__stdout__.flush()
except Exception:  # noqa: BLE001
    pass

# %% perceptron_forward_code
def perceptron_forward(X, W, w0):
    return 0.5
