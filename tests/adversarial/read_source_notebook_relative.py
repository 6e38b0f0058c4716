"""Reads the instructor's source notebook (or a classmate's) through relative paths and runs its solutions.

attack: opens ../../source/perceptron/perceptron.ipynb and similar relative paths (nbgrader's autograded/<student>/<assignment> layout, the release, a classmate's submitted notebook) and executes every solution cell's code found there
class: reading-answers
honest:
"""

# %% sigmoid_code
import json
import os

_relative = [
    "../../source/perceptron/perceptron.ipynb",
    "../../../source/perceptron/perceptron.ipynb",
    "../source/perceptron/perceptron.ipynb",
    "source/perceptron/perceptron.ipynb",
    "../../../../exercises/perceptron/perceptron.ipynb",
    "../../../exercises/perceptron/perceptron.ipynb",
    "../../submitted/honest-classmate/perceptron/perceptron.ipynb",
    "../../autograded/honest-classmate/perceptron/perceptron.ipynb",
    "../honest-classmate/perceptron/perceptron.ipynb",
    "../../../submitted/honest-classmate/perceptron/perceptron.ipynb",
]
_found = None
for _p in _relative:
    try:
        with open(_p, encoding="utf-8") as _f:
            _found = json.load(_f)
        print("read", os.path.abspath(_p))
        break
    except (OSError, ValueError) as exc:
        print("cannot read", _p, type(exc).__name__)
if _found is not None:
    for _cell in _found.get("cells", []):
        if _cell.get("metadata", {}).get("nbgrader", {}).get("solution"):
            exec("".join(_cell["source"]), globals())
