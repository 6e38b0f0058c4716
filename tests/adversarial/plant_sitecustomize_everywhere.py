"""Writes sitecustomize.py, usercustomize.py and a .pth file into every folder it can reach.

attack: plants (inert) sitecustomize.py, usercustomize.py and a .pth file into the working folder, /tmp, the home folder and user site, every sys.path entry, site-packages, the folders above sys.prefix and grader's package, the repository root and every writable folder found walking /, so that the next Python started (perhaps the grader's) runs them
class: planting
honest: sigmoid, relu, perceptron_forward, predict, count_parameters
"""

# %% +after count_parameters_code
import os
import site
import sys
from pathlib import Path

import grader.learner

_payload = "# planted by tests/adversarial/plant_sitecustomize_everywhere.py: inert\n"
_pth = "/nonexistent-dlcourse-planted-path\n"
_dirs = {Path.cwd(), Path.home(), Path("/tmp"), Path("/var/tmp"), Path("/dev/shm"), Path("/"), Path("__CHECKOUT__"),
         Path("__CHECKOUT__/.."), Path("/root"), Path(sys.prefix), Path(sys.base_prefix)}
_dirs |= {Path(p) for p in sys.path if p}
_dirs |= {Path(p) for p in site.getsitepackages()}
_dirs |= set(Path(grader.learner.__file__).resolve().parents) | set(Path(sys.prefix).resolve().parents)
try:
    _user = Path(site.getusersitepackages())
    _user.mkdir(parents=True, exist_ok=True)
    _dirs.add(_user)
except OSError:
    pass
for _top, _subdirs, _files in os.walk("/"):
    if _top.startswith(("/proc", "/sys", "/usr/share", "/usr/lib/x86_64-linux-gnu")) or _top.count("/") > 6:
        _subdirs[:] = []
        continue
    if os.access(_top, os.W_OK):
        _dirs.add(Path(_top))
_written = []
for _d in sorted(_dirs):
    for _name, _text in (("sitecustomize.py", _payload), ("usercustomize.py", _payload),
                         ("zz_dlcourse_planted.pth", _pth)):
        try:
            (_d / _name).write_text(_text)
            _written.append(str(_d / _name))
        except OSError:
            pass
print("planted:", _written)
