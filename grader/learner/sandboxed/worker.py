"""The sandboxed worker: runs one learner's notebook cells and calls their functions.

Started by ``grader.sandbox`` inside bubblewrap (or, where no sandbox can be
had, as a plain child process with resource limits). It reads requests and
writes replies as wire frames on two private pipes; the learner's code sees
/dev/null as stdin, stdout and stderr. It imports nothing that knows an
answer: the trusted side sends inputs as data and judges what comes back.

Requests (``op``):
    exec    run one cell's source in the notebook namespace
    call    call a function of that namespace on wire-encoded arguments (``calls.safe_call``)
    lookup  what each name is: a function (with its module), another type, or absent
    values  wire-encoded values of names (a quiz's answers)
    gpu     a function of that namespace on CuPy arrays (``device.run_on_device``); its NumPy arguments
            follow as a second frame, which alone may be up to ``device.GPU_FRAME_BYTES``
    bye     exit
"""

from __future__ import annotations

import ast
import base64
import contextlib
import importlib
import importlib.util
import io
import os
import signal
import sys
import time
import traceback
import types
import warnings
from typing import Any, BinaryIO

MAX_STDOUT_CHARS = 20_000


class _CappedText(io.TextIOBase):
    """A stdout that keeps the first characters and counts the rest: a print loop cannot flood."""

    def __init__(self, limit: int) -> None:
        self.limit, self.parts, self.kept, self.dropped = limit, [], 0, 0

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        text = str(text)
        room = self.limit - self.kept
        if room > 0:
            self.parts.append(text[:room])
            self.kept += min(room, len(text))
        self.dropped += max(0, len(text) - max(room, 0))
        return len(text)

    def value(self) -> str:
        tail = f"\n… {self.dropped} more characters of output were cut" if self.dropped else ""
        return "".join(self.parts) + tail


class _CellTimeout(BaseException):
    """Raised by the alarm when a cell runs past its time; a BaseException so bare `except Exception` won't eat it."""


def _transform(source: str) -> str:
    """IPython syntax (%magic, !shell) becomes Python; plain Python is left alone."""
    if not any(line.lstrip().startswith(("%", "!")) for line in source.splitlines()):
        return source
    try:
        from IPython.core.inputtransformer2 import TransformerManager
    except ImportError:
        return source
    return TransformerManager().transform_cell(source)


class _Shell:
    """Enough of IPython's get_ipython() for the magics notebooks use at the top of a cell."""

    def run_line_magic(self, name: str, line: str, *args: Any, **kwargs: Any) -> None:
        if name in ("matplotlib", "config", "load_ext", "autoreload"):
            return None
        raise RuntimeError(f"%{name} is not available while grading")

    def run_cell_magic(self, name: str, line: str, cell: str, *args: Any, **kwargs: Any) -> None:
        raise RuntimeError(f"%%{name} is not available while grading")

    def system(self, cmd: str) -> None:
        raise RuntimeError("shell commands (!...) are not available while grading")

    getoutput = system


def _figures() -> list[str]:
    """PNGs of the figures the cell showed or left open, as Jupyter's inline backend would show them."""
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None or isinstance(pyplot, _DeferredModule):
        return []  # nothing can have been drawn
    from grader.learner.sandboxed import figures

    return [base64.b64encode(png).decode("ascii") for png in figures.take()]


class Worker:
    def __init__(self, channel_in: BinaryIO, channel_out: BinaryIO) -> None:
        self.channel_in, self.channel_out = channel_in, channel_out
        self.namespace: dict[str, Any] = {"__name__": "__main__", "__builtins__": __builtins__,
                                          "get_ipython": _Shell}

    # -- ops -----------------------------------------------------------------------------------

    def op_exec(self, request: dict[str, Any]) -> dict[str, Any]:
        source = _transform(str(request.get("source", "")))
        timeout = float(request.get("timeout_s") or 30)
        out = _CappedText(MAX_STDOUT_CHARS)
        status, error, error_type, result = "ok", None, None, None
        before = set(self.namespace)

        def on_alarm(signum: int, frame: Any) -> None:
            raise _CellTimeout()

        previous = signal.signal(signal.SIGALRM, on_alarm)
        signal.setitimer(signal.ITIMER_REAL, timeout)
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out), warnings.catch_warnings():
                warnings.simplefilter("default")
                tree = ast.parse(source, filename="<cell>")
                last = tree.body[-1] if tree.body and isinstance(tree.body[-1], ast.Expr) else None
                body = ast.Module(body=tree.body[:-1] if last else tree.body, type_ignores=[])
                exec(compile(body, "<cell>", "exec"), self.namespace)  # noqa: S102 - this is the sandbox
                if last is not None:
                    value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), self.namespace)  # noqa: S307
                    if value is not None:
                        result = repr(value)[:MAX_STDOUT_CHARS]
        except _CellTimeout:
            status, error, error_type = "timeout", f"the cell did not finish within {timeout:g} s", "Timeout"
        except SyntaxError as exc:
            status, error, error_type = "error", f"SyntaxError: {exc.msg} (line {exc.lineno})", "SyntaxError"
        except MemoryError:
            status, error, error_type = "error", "MemoryError: the cell ran out of memory", "MemoryError"
        except BaseException as exc:  # noqa: BLE001 - SystemExit and KeyboardInterrupt are the cell's too
            tb = traceback.format_exception(type(exc), exc, exc.__traceback__)
            status, error, error_type = "error", "".join(tb[-4:])[-4000:], type(exc).__name__
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
        images = []
        with contextlib.suppress(BaseException):
            images = _figures()
        defined = sorted(k for k in self.namespace if k not in before and not k.startswith("_"))
        return {"status": status, "error": error, "error_type": error_type, "stdout": out.value(),
                "result": result, "images": images, "defined": defined[:200]}

    def op_call(self, request: dict[str, Any]) -> dict[str, Any]:
        from grader.learner.core import wire
        from grader.learner.core.calls import CallResult, safe_call

        name = str(request.get("function"))
        fn = self.namespace.get(name)
        if not callable(fn):
            return {"call": CallResult(kind="raised", error=f"`{name}` is not a function").to_wire()}
        args = tuple(wire.decode(request.get("args", [])))
        kwargs = wire.decode(request.get("kwargs", {"$": "dict", "items": []}))
        arg_names = tuple(str(n) for n in request.get("arg_names", []))
        from grader.learner.core.found import is_stand_in

        stand_ins = {str(k): str(v) for k, v in (request.get("stand_ins") or {}).items() if is_stand_in(v)}
        result = safe_call(fn, args, kwargs, arg_names, request.get("timeout_s"), request.get("np_random_seed"),
                           stand_ins)
        # Generators are passed as themselves; their final states go back so the caller's copies advance too.
        states = {str(i): a.bit_generator.state for i, a in enumerate(args) if hasattr(a, "bit_generator")}
        states.update({k: v.bit_generator.state for k, v in kwargs.items() if hasattr(v, "bit_generator")})
        return {"call": result.to_wire(), "rng_states": states}

    def op_lookup(self, request: dict[str, Any]) -> dict[str, Any]:
        found = {}
        for name in request.get("names", []):
            name = str(name)
            if name not in self.namespace:
                found[name] = {"kind": "missing"}
                continue
            value = self.namespace[name]
            if callable(value):
                module = getattr(value, "__module__", None)
                found[name] = {"kind": "function", "module": module if isinstance(module, str) else ""}
            else:
                found[name] = {"kind": "value", "type": type(value).__name__}
        return {"names": found}

    def op_values(self, request: dict[str, Any]) -> dict[str, Any]:
        from grader.learner.core import wire

        values = {}
        for name in request.get("names", []):
            name = str(name)
            if name in self.namespace:
                values[name] = wire.encode(self.namespace[name])
        return {"values": values}

    def op_gpu(self, request: dict[str, Any]) -> dict[str, Any]:
        from grader.learner.core import device, wire

        # Read first, whatever follows: left unread, the arguments would be taken for the next request.
        payload = wire.read_frame(self.channel_in, max_bytes=device.GPU_FRAME_BYTES)
        name = str(request.get("function"))
        fn = self.namespace.get(name)
        if not callable(fn):
            return {"gpu": device.DeviceRun("raised", f"`{name}` is not a function").to_wire()}
        args = tuple(wire.decode(payload.get("args", [])))
        # CuPy is imported (and CUDA initialised) here, in this submission's worker, never in a zygote.
        return {"gpu": device.run_on_device(fn, args, float(request.get("timeout_s") or 60)).to_wire()}

    # -- loop ----------------------------------------------------------------------------------

    def serve(self) -> None:
        from grader.learner.core import wire

        handlers = {"exec": self.op_exec, "call": self.op_call, "lookup": self.op_lookup, "values": self.op_values,
                    "gpu": self.op_gpu}
        while True:
            try:
                request = wire.read_frame(self.channel_in)
            except EOFError:
                return
            op = request.get("op")
            if op == "bye":
                return
            handler = handlers.get(op)
            try:
                reply = handler(request) if handler else {"error": f"unknown op {op!r}"}
            except BaseException as exc:  # noqa: BLE001 - whatever happens, the trusted side gets an answer
                reply = {"error": f"{type(exc).__name__}: {exc}"[:2000]}
            reply["id"] = request.get("id")  # the trusted side ignores any frame not answering its request
            wire.write_frame(self.channel_out, reply)


def _drop_privileges() -> None:
    """As root inside bubblewrap: become an unprivileged user, so the process cap (RLIMIT_NPROC) binds."""
    uid = int(os.environ.pop("DLCOURSE_SANDBOX_UID", "0") or 0)
    if os.getuid() == 0 and uid:
        os.setgroups([])
        os.setgid(uid)
        os.setuid(uid)


def _apply_limits() -> None:
    import resource

    for name in ("NPROC",):
        value = os.environ.pop(f"DLCOURSE_RLIMIT_{name}", None)
        if value:
            limit = int(value)
            resource.setrlimit(getattr(resource, f"RLIMIT_{name}"), (limit, limit))


#: Where the trusted side names the modules that know answers (``grader.sandbox.launch.refused_modules``,
#: derived from its tree, which this side cannot see).
REFUSED_ENV = "DLCOURSE_REFUSED_MODULES"


def forbidden_visible(names: list[str] | None = None) -> dict[str, bool]:
    """Which of the modules that know answers this process could import (the trusted side refuses any).

    ``names``: by default those the trusted side named, taken out of the environment learner code
    will see. Finding a module's spec is enough to see it, without running any of it.
    """
    if names is None:
        names = [n for n in os.environ.pop(REFUSED_ENV, "").split(",") if n]
    sees = {}
    for module in names:
        try:
            sees[module] = importlib.util.find_spec(module) is not None
        except ImportError:
            sees[module] = False  # its package is not there either
        except Exception:  # noqa: BLE001 - whatever the import system says, this cannot show it hidden
            sees[module] = True
    return sees


def private_channels(read_fd: int, write_fd: int) -> tuple[BinaryIO, BinaryIO]:
    """The pipes to the trusted side on private descriptors; learner code gets /dev/null as 0, 1 and 2."""
    channel_in = os.fdopen(os.dup(read_fd), "rb", buffering=0)
    channel_out = os.fdopen(os.dup(write_fd), "wb", buffering=0)
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    for fd in {read_fd, write_fd} - {0, 1, 2}:
        os.close(fd)
    return channel_in, channel_out


class _DeferredModule(types.ModuleType):
    """Stands in for a module until its first attribute is asked for, then imports it for real.

    importlib's LazyLoader cannot do this on Python 3.11: a second `import` statement of the module
    reads its ``__spec__``, which loads it. Here ``__spec__`` is the real spec, and only names the
    stand-in does not have (``plt.plot``...) import the module and put it in its place.
    """

    def __getattr__(self, name: str) -> Any:
        real_name = self.__spec__.name
        if sys.modules.get(real_name) is self:
            del sys.modules[real_name]
        module = importlib.import_module(real_name)
        return getattr(module, name)


def _defer(name: str) -> None:
    spec = importlib.util.find_spec(name)
    if spec is None or name in sys.modules:
        return
    stand_in = _DeferredModule(name)
    stand_in.__spec__ = spec
    sys.modules[name] = stand_in


def preload(lazy_pyplot: bool = False) -> None:
    """What every submission needs, paid once: NumPy, and matplotlib with the worker's backend.

    ``lazy_pyplot`` (one submission, figures not drawn): pyplot is imported on first use only, so the
    notebooks' `import matplotlib.pyplot as plt` costs nothing unless the learner's code really draws.
    """
    os.environ["MPLBACKEND"] = "module://grader.learner.sandboxed.figures"
    import numpy  # noqa: F401
    import numpy.random  # noqa: F401 - NumPy loads it on first use: 15 ms of every fork otherwise

    if lazy_pyplot:
        with contextlib.suppress(ImportError):
            _defer("matplotlib.pyplot")
    # What the notebooks' set-up cells import; a fork server imports it once for every submission.
    # The figures backend only where pyplot is loaded anyway: it imports matplotlib's Agg canvas.
    for module in ("matplotlib.pyplot", *(() if lazy_pyplot else ("grader.learner.sandboxed.figures",)), 
                   "grader.learner.kernel.notebook", "grader.learner.kernel.quiz", "grader.learner.core.calls"):
        with contextlib.suppress(ImportError):
            __import__(module)
    from grader.learner.core.found import every_module

    every_module()  # the exercises' plots, probes and stand-ins


def main() -> None:
    channel_in, channel_out = private_channels(0, 1)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a file over the size limit fails to write, it does not kill
    _drop_privileges()
    _apply_limits()
    os.environ["MPLBACKEND"] = "module://grader.learner.sandboxed.figures"
    import numpy  # noqa: F401 - paid once, before the first cell

    from grader.learner.core import wire

    started = time.perf_counter()
    sees = forbidden_visible()
    wire.write_frame(channel_out, {"ready": True, "pid": os.getpid(), "uid": os.getuid(), "sees": sees,
                                   "python": sys.version.split()[0], "startup_s": time.perf_counter() - started})
    Worker(channel_in, channel_out).serve()


if __name__ == "__main__":
    main()
