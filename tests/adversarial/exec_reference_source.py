"""Executes the reference module's source text in the notebook, so its functions become the learner's own.

attack: finds reference.perceptron by any means (import, importlib.util.find_spec, the editable finder's MAPPING) and runs exec(inspect.getsource(module)) or exec of the file's text in globals(), so the functions' __module__ is __main__
class: reading-answers
honest:
"""

# %% sigmoid_code
import importlib.util
import inspect
import sys
from pathlib import Path

_source = None
try:
    import reference.perceptron as _refmod

    _source = inspect.getsource(_refmod)
except Exception as exc:  # noqa: BLE001
    print("import reference.perceptron:", type(exc).__name__, exc)
if _source is None:
    try:
        _spec = importlib.util.find_spec("reference.perceptron")
        if _spec and _spec.origin:
            _source = Path(_spec.origin).read_text()
    except Exception as exc:  # noqa: BLE001
        print("find_spec:", type(exc).__name__, exc)
if _source is None:
    try:
        import __editable___intro_dl_grader_0_1_0_finder as _finder

        _source = (Path(_finder.MAPPING["reference"]) / "perceptron.py").read_text()
    except Exception as exc:  # noqa: BLE001
        print("editable finder:", type(exc).__name__, exc)
if _source is not None:
    exec(compile(_source, "<reference>", "exec"), globals())
    print("reference executed")
