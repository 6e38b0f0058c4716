"""The learner's functions as the trusted side sees them: names in a sandbox, called with data.

``RemoteNamespace`` stands where the checks used to get the learner's globals.
Looking a name up asks the worker what it is; a function comes back as a
``RemoteFunction`` whose calls go through ``grader.learner.core.calls.safe_call``
to the worker and return plain data. Nothing of the learner's runs here.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from grader.learner.core.calls import CallResult
from grader.learner.core.device import DeviceRun
from grader.learner.core.model import LostDefinition
from grader.learner.core.wire import Unsupported
from grader.sandbox.session import WorkerSession


class RemoteFunction:
    """A learner's function living in the sandbox; ``safe_call`` recognises it by ``__wire_call__``."""

    def __init__(self, session: WorkerSession, name: str, module: str) -> None:
        self.session, self.name = session, name
        # What the worker reported, so `lookup` can refuse a function borrowed from the course's own modules.
        self.__module__ = module
        self.__name__ = name

    def __wire_call__(self, args: tuple[Any, ...], kwargs: dict[str, Any], arg_names: tuple[str, ...],
                      timeout_s: float | None, np_random_seed: int | None,
                      stand_ins: dict[str, str] | None = None) -> CallResult:
        result, states = self.session.call(self.name, args, kwargs, arg_names, timeout_s, np_random_seed, stand_ins)
        # The worker drew from rebuilt generators; the caller's own ones advance to the same state.
        originals = {str(i): a for i, a in enumerate(args)} | dict(kwargs)
        for key, state in states.items():
            original = originals.get(key)
            if isinstance(original, np.random.Generator):
                try:
                    original.bit_generator.state = state
                except (TypeError, ValueError, KeyError):
                    result.kind, result.error = "crashed", "grading failed: the generator's state came back unreadable"
        return result

    def __device_call__(self, args: tuple[Any, ...], timeout_s: float) -> DeviceRun:
        """The GPU step (``grader.learner.core.device.run_on_device``), run by the worker on its GPU."""
        return self.session.gpu(self.name, args, timeout_s)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        result = self.__wire_call__(args, kwargs, (), None, None, None)
        if result.kind != "ok":
            raise RuntimeError(result.error or result.kind)
        return result.value

    def __repr__(self) -> str:
        return f"<learner function {self.name} in the sandbox>"


class RemoteNamespace(Mapping[str, Any]):
    """Read-only view of the worker's globals, for the names the checks ask about.

    ``lost`` maps names whose defining cell could not finish (a crash, the memory limit) to the reason,
    so a check can say "grading failed: ..." rather than "not defined".
    """

    def __init__(self, session: WorkerSession, lost: Mapping[str, str] | None = None) -> None:
        self.session = session
        self.lost = dict(lost or {})

    def __getitem__(self, name: str) -> Any:
        info = self.session.lookup([name])[name]
        kind = info.get("kind")
        if kind == "function":
            return RemoteFunction(self.session, name, str(info.get("module") or ""))
        if kind == "value":
            return Unsupported(str(info.get("type") or "value")[:80], "a value")
        if name in self.lost:
            return LostDefinition(self.lost[name])
        raise KeyError(name)

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0
