"""nbgrader's library (its gradebook and preprocessors) without what a grading process never uses.

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


# jsonschema, which nbformat imports, loads the optional format checkers Jupyter's dependencies
# install, for formats no notebook field uses; one of them, `rfc3987_syntax`, builds 38 lark parsers
# at import: 2.7 s of every command's start-up. Our commands go without these (jsonschema skips a
# checker it cannot import); nothing else in this process imports them.
UNUSED_FORMAT_CHECKERS = ("rfc3987_syntax", "rfc3986_validator", "isoduration")


def skip_unused_format_checkers() -> None:
    """Before anything imports nbformat: see ``UNUSED_FORMAT_CHECKERS``."""
    for name in UNUSED_FORMAT_CHECKERS:
        sys.modules.setdefault(name, None)  # type: ignore[arg-type]
