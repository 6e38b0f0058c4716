"""nbgrader's library (its gradebook and preprocessors) without the Jupyter server it also ships.

``import nbgrader.api`` first runs ``nbgrader/__init__.py``, which imports the four Jupyter server
extensions (handlers, tornado, jupyter_server, the exchange): about 0.7 s of every command's start on
a quiet 2-core machine, for code a grading process never calls. Here the package is entered without
its ``__init__``: the module is nbgrader's own (same path, same ``__file__``, ``__version__``), so
its submodules import exactly as they do under ``nbgrader autograde``; only the server-extension
hooks, which Jupyter Server reads in its own process, are absent.
"""

from __future__ import annotations

import importlib.util
import sys
import types


def enter_without_server_extensions() -> bool:
    """Make ``import nbgrader.<module>`` skip the package's server extensions; True if it did.

    Does nothing where nbgrader is already imported (then it is the whole package) or not installed.
    """
    if "nbgrader" in sys.modules:
        return False
    spec = importlib.util.find_spec("nbgrader")
    if spec is None or spec.submodule_search_locations is None:
        return False
    package = types.ModuleType("nbgrader")
    package.__spec__ = spec
    package.__file__ = spec.origin
    package.__path__ = list(spec.submodule_search_locations)
    package.__package__ = "nbgrader"
    sys.modules["nbgrader"] = package
    try:
        from nbgrader._version import __version__
    except Exception:  # noqa: BLE001 - then nbgrader's own __init__ would fail too: let it, by name
        del sys.modules["nbgrader"]
        return False
    package.__version__ = __version__  # type: ignore[attr-defined]
    return True
