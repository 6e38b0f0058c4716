"""Registers an IPython input transformer so that the test cells' code is rewritten before it runs.

attack: uses get_ipython() to append input transformers (rewriting exercise.check(...) into a printed full score) and a post_run_cell event, patching the worker's own _transform too, hoping test cells run through them
class: patching
honest: predict
"""

# %% +after setup
import sys


def _rewrite(lines):
    return [line.replace("exercise.check(", "print('full marks') or (lambda *a: 100)(") for line in lines]


_ip = get_ipython()
for _attr in ("input_transformers_post", "input_transformers_cleanup", "input_transformer_manager"):
    try:
        getattr(_ip, _attr).append(_rewrite)
        print("registered on", _attr)
    except Exception as exc:  # noqa: BLE001
        print(f"{_attr}: {type(exc).__name__}: {exc}")
try:
    _ip.events.register("post_run_cell", lambda *a: print("100 / 100"))
except Exception as exc:  # noqa: BLE001
    print("events:", type(exc).__name__, exc)
try:
    _main = sys.modules["__main__"]
    _orig = _main._transform
    _main._transform = lambda source: "\n".join(_rewrite(_orig(source).splitlines()))
    print("patched the worker's _transform")
except Exception as exc:  # noqa: BLE001
    print("worker _transform:", type(exc).__name__, exc)

# %% sigmoid_code
def sigmoid(z):
    return None
