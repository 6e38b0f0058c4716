"""The only format that crosses the sandbox wall: JSON, with arrays as ``.npy`` bytes.

Nothing here can run code when it reads: arrays are loaded with
``allow_pickle=False``, every other value is a JSON scalar, list or a tagged
object from a short, closed list. A value of any other type is sent as its
type name and a short text (``Unsupported``), so an object whose ``__eq__``
lies arrives as what it is: not a number.

Objects a learner's function needs travel as the data that rebuilds them on
the other side: a ``numpy.random.Generator`` from its bit generator's state,
a function argument (a gradient) as a ``Rebuilt``: plain data and the name of
the builder, declared by the exercise's learner-side module, that makes the
function from it. The wire itself knows no exercise.
"""

from __future__ import annotations

import base64
import io
import json
import struct
from dataclasses import dataclass
from typing import Any, BinaryIO

import numpy as np

from grader.learner.core.text import clean
from grader.learner.core.found import declared

#: Largest frame either side accepts; a reply above it is the worker's fault, not a crash of ours.
MAX_FRAME_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 32
TAG = "$"


class WireError(ValueError):
    """A frame or value that is not in the wire format."""


@dataclass(frozen=True)
class Unsupported:
    """A value of a type the wire does not carry, seen from the other side."""

    type_name: str
    text: str

    def __repr__(self) -> str:
        return self.text


@dataclass(frozen=True, eq=False)
class Rebuilt:
    """A function argument that travels as plain data, called the same in-process and in the worker.

    ``grader/learner/exercises/<exercise>.py`` declares ``builder`` in its ``BUILDERS``; the builder
    makes the function from ``data`` (wire values only) wherever a ``Rebuilt`` is made or read. A name
    the module does not declare, or data its builder refuses, is a ``WireError``.
    """

    exercise: str
    builder: str
    data: Any

    def __post_init__(self) -> None:
        try:
            make = declared(self.exercise, "BUILDERS", self.builder)
        except KeyError as exc:
            raise WireError(exc.args[0]) from None
        try:
            function = make(self.data)
        except Exception as exc:  # noqa: BLE001 - data a builder refuses is not in the wire format
            raise WireError(f"{self.exercise}.{self.builder}: {exc}") from None
        object.__setattr__(self, "_function", function)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._function(*args, **kwargs)  # type: ignore[attr-defined]


def _npy(arr: np.ndarray) -> str:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def _from_npy(text: Any) -> np.ndarray:
    if not isinstance(text, str):
        raise WireError("array payload is not text")
    try:
        arr = np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - any malformed payload is a wire error
        raise WireError(f"array payload could not be read: {exc}") from None
    if not isinstance(arr, np.ndarray):
        raise WireError("array payload is not an array")
    return arr


def _short_repr(value: Any) -> str:
    try:
        text = repr(value)
    except BaseException:  # noqa: BLE001 - a learner's object may have a broken repr
        text = f"<{type(value).__name__} object>"
    return text if len(text) <= 200 else text[:197] + "..."


def encode(value: Any, _depth: int = 0) -> Any:
    """A JSON-ready form of ``value``; never raises for a learner's odd object."""
    if _depth > MAX_DEPTH:
        return {TAG: "unsupported", "type": type(value).__name__, "text": "a structure nested too deeply"}
    # NumPy types first (np.float64 is also a float); Python numbers are read through the base class,
    # so an override in a subclass cannot change the value that travels.
    if value is None or type(value) is bool:
        return value
    if isinstance(value, np.random.Generator):
        return {TAG: "rng", "state": value.bit_generator.state}
    if isinstance(value, np.ndarray):
        arr = np.asarray(value).view(np.ndarray)
        if arr.dtype.hasobject:
            return {TAG: "unsupported", "type": "ndarray", "text": f"an array of Python objects, shape {arr.shape}"}
        return {TAG: "nd", "npy": _npy(arr)}
    if isinstance(value, np.generic):
        arr = np.asarray(value)
        if arr.dtype.hasobject:
            return {TAG: "unsupported", "type": type(value).__name__, "text": _short_repr(value)}
        return {TAG: "np", "npy": _npy(arr)}
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int.__index__(value)
    if isinstance(value, float):
        return {TAG: "float", "value": float.__repr__(value)}
    if isinstance(value, str):
        return str.__str__(value)
    if type(value) is Rebuilt:  # a subclass could make its fields say anything: it is not one
        return {TAG: "rebuilt", "exercise": value.exercise, "builder": value.builder,
                "data": encode(value.data, _depth + 1)}
    # Subclasses travel as their base type, read through the base class's own methods.
    if isinstance(value, list):
        return [encode(v, _depth + 1) for v in list.__iter__(value)]
    if isinstance(value, tuple):
        return {TAG: "tuple", "items": [encode(v, _depth + 1) for v in tuple.__iter__(value)]}
    if isinstance(value, (set, frozenset)):
        return {TAG: "set", "items": [encode(v, _depth + 1) for v in (set.__iter__(value) if isinstance(value, set)
                                                                         else frozenset.__iter__(value))]}
    if isinstance(value, dict):
        return {TAG: "dict", "items": [[encode(k, _depth + 1), encode(v, _depth + 1)] for k, v in dict.items(value)]}
    return {TAG: "unsupported", "type": type(value).__name__, "text": _short_repr(value)}


def _rng(state: Any) -> np.random.Generator:
    if not isinstance(state, dict) or state.get("bit_generator") != "PCG64":
        raise WireError("a generator's state must be a PCG64 state")
    bit = np.random.PCG64()
    try:
        bit.state = state
    except Exception as exc:  # noqa: BLE001
        raise WireError(f"bad generator state: {exc}") from None
    return np.random.Generator(bit)


def decode(data: Any, _depth: int = 0) -> Any:
    """The value ``data`` stands for; raises ``WireError`` for anything outside the format."""
    if _depth > MAX_DEPTH + 1:
        raise WireError("value nested too deeply")
    if data is None or isinstance(data, (bool, int, str)):
        return data
    if isinstance(data, float):
        return data
    if isinstance(data, list):
        return [decode(v, _depth + 1) for v in data]
    if not isinstance(data, dict) or not isinstance(data.get(TAG), str):
        raise WireError(f"unexpected {type(data).__name__} in a wire value")
    tag = data[TAG]
    if tag == "float":
        try:
            return float(data["value"])
        except (KeyError, TypeError, ValueError):
            raise WireError("bad float") from None
    if tag == "nd":
        return _from_npy(data.get("npy"))
    if tag == "np":
        arr = _from_npy(data.get("npy"))
        if arr.ndim != 0:
            raise WireError("a NumPy scalar must be 0-d")
        return arr[()]
    if tag == "tuple":
        return tuple(decode(v, _depth + 1) for v in _items(data))
    if tag == "set":
        try:
            return {decode(v, _depth + 1) for v in _items(data)}
        except TypeError:
            raise WireError("unhashable set item") from None
    if tag == "dict":
        out = {}
        for pair in _items(data):
            if not isinstance(pair, list) or len(pair) != 2:
                raise WireError("bad dict item")
            key = decode(pair[0], _depth + 1)
            try:
                out[key] = decode(pair[1], _depth + 1)
            except TypeError:
                raise WireError("unhashable dict key") from None
        return out
    if tag == "rng":
        return _rng(data.get("state"))
    if tag == "rebuilt":
        exercise, builder = data.get("exercise"), data.get("builder")
        if not isinstance(exercise, str) or not isinstance(builder, str):
            raise WireError("a rebuilt value names its exercise and builder as text")
        return Rebuilt(exercise, builder, decode(data.get("data"), _depth + 1))
    if tag == "unsupported":
        return Unsupported(str(data.get("type", "?"))[:80], str(data.get("text", ""))[:200])
    raise WireError(f"unknown wire tag {tag!r}")


def _items(data: dict[str, Any]) -> list[Any]:
    items = data.get("items")
    if not isinstance(items, list):
        raise WireError("missing items")
    return items


# ---- frames: a 4-byte length, then one JSON document ---------------------------------------------


def dumps(message: dict[str, Any]) -> bytes:
    body = json.dumps(message, separators=(",", ":"), allow_nan=True).encode("utf-8")
    return struct.pack(">I", len(body)) + body


def write_frame(stream: BinaryIO, message: dict[str, Any]) -> None:
    stream.write(dumps(message))
    stream.flush()


def read_exactly(stream: BinaryIO, n: int) -> bytes:
    chunks, got = [], 0
    while got < n:
        chunk = stream.read(n - got)
        if not chunk:
            raise EOFError("the other side closed the channel")
        chunks.append(chunk)
        got += len(chunk)
    return b"".join(chunks)


def parse_frame(body: bytes) -> dict[str, Any]:
    try:
        message = json.loads(body.decode("utf-8"))
    except Exception as exc:  # noqa: BLE001 - deep nesting raises RecursionError; all of it is a bad frame
        raise WireError(f"frame is not readable JSON ({type(exc).__name__})") from None
    if not isinstance(message, dict):
        raise WireError("frame is not an object")
    # What the learner's code printed or returned may hold lone surrogates (print("caf\udce9") is legal):
    # cleaned here, once, so nothing that writes the frame's text later can fail on it.
    return clean(message)


def read_frame(stream: BinaryIO) -> dict[str, Any]:
    (size,) = struct.unpack(">I", read_exactly(stream, 4))
    if size > MAX_FRAME_BYTES:
        raise WireError(f"frame of {size} bytes is over the {MAX_FRAME_BYTES}-byte limit")
    return parse_frame(read_exactly(stream, size))
