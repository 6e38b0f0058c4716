"""The only format that crosses the sandbox wall: a JSON document, and arrays as raw buffers.

A frame is one JSON document followed by the raw bytes of the arrays it names
(``dumps``, ``parse_frame``). An array of a whitelisted numeric or boolean
dtype travels as a buffer: the document holds its dtype, shape and buffer
index, and the reader checks the byte count against both before anything is
allocated, then copies exactly those bytes. Arrays of any other dtype, and
every array in a document that is not a frame (the release's public data),
travel inside the JSON as ``.npy`` bytes, loaded with ``allow_pickle=False``.

Nothing here can run code when it reads: every other value is a JSON
scalar, list or a tagged object from a short, closed list. A value of any other type is sent as its
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
import math
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
#: NumPy's own limit on dimensions is 64; no value the course sends or expects has more than a few.
MAX_DIMS = 32
#: The dtypes a buffer may hold, in either byte order: plain numbers and booleans, nothing with
#: references (object), structure or a text encoding inside.
BUFFER_DTYPES = frozenset(
    np.dtype(t).newbyteorder(order).str
    for t in (np.bool_, np.int8, np.int16, np.int32, np.int64, np.uint8, np.uint16, np.uint32, np.uint64,
              np.float16, np.float32, np.float64, np.complex64, np.complex128)
    for order in "<>")


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


@dataclass(frozen=True, eq=False)
class _Buffer:
    """An array on its way into a frame: its bytes, taken when it was encoded, and how to read them."""

    data: bytes
    dtype: str
    shape: tuple[int, ...]
    fortran: bool
    scalar: bool

    @classmethod
    def of(cls, arr: np.ndarray, scalar: bool = False) -> _Buffer:
        fortran = arr.ndim > 1 and arr.flags.f_contiguous and not arr.flags.c_contiguous
        return cls(arr.tobytes(order="F" if fortran else "C"), arr.dtype.str, arr.shape, fortran, scalar)

    def header(self, index: int) -> dict[str, Any]:
        head: dict[str, Any] = {TAG: "buf", "i": index, "dtype": self.dtype, "shape": list(self.shape)}
        if self.fortran:
            head["order"] = "F"
        if self.scalar:
            head["scalar"] = True
        return head


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


def encode(value: Any, _depth: int = 0, *, inline_arrays: bool = False) -> Any:
    """The wire form of ``value``; never raises for a learner's odd object.

    Arrays of ``BUFFER_DTYPES`` become buffers of the frame ``dumps`` writes; with ``inline_arrays``
    (a document that is not a frame, such as the release's public data) every array is ``.npy``
    text inside the JSON, and the result is plain JSON.
    """
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
        if not inline_arrays and arr.dtype.str in BUFFER_DTYPES:
            return _Buffer.of(arr)
        return {TAG: "nd", "npy": _npy(arr)}
    if isinstance(value, np.generic):
        arr = np.asarray(value)
        if arr.dtype.hasobject:
            return {TAG: "unsupported", "type": type(value).__name__, "text": _short_repr(value)}
        if not inline_arrays and arr.dtype.str in BUFFER_DTYPES:
            return _Buffer.of(arr, scalar=True)
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
                "data": encode(value.data, _depth + 1, inline_arrays=inline_arrays)}
    # Subclasses travel as their base type, read through the base class's own methods.
    def inner(v: Any) -> Any:
        return encode(v, _depth + 1, inline_arrays=inline_arrays)

    if isinstance(value, list):
        return [inner(v) for v in list.__iter__(value)]
    if isinstance(value, tuple):
        return {TAG: "tuple", "items": [inner(v) for v in tuple.__iter__(value)]}
    if isinstance(value, (set, frozenset)):
        return {TAG: "set", "items": [inner(v) for v in (set.__iter__(value) if isinstance(value, set)
                                                         else frozenset.__iter__(value))]}
    if isinstance(value, dict):
        return {TAG: "dict", "items": [[inner(k), inner(v)] for k, v in dict.items(value)]}
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
    if type(data) is np.ndarray or isinstance(data, np.generic):
        return data  # read from a frame's buffer by parse_frame: JSON itself never yields one
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


# ---- frames -------------------------------------------------------------------------------------
#
# [body size: u32] then the body: [JSON size: u32][JSON, UTF-8][buffer count: u32][each buffer's size:
# u64 ...][the buffers' bytes, one after another]. Sizes are big-endian. Every size is checked against
# the bytes actually there before anything is read by it; each buffer is named by exactly one value.

_HEAD = struct.Struct(">I")
#: Far above any real message (a call's arguments and result); a table longer than this is a lie.
MAX_BUFFERS = 1 << 16


def dumps(message: dict[str, Any]) -> bytes:
    """``message`` as one frame, its size first; values in it are ``encode``'s output."""
    buffers: list[bytes] = []

    def as_header(obj: Any) -> dict[str, Any]:
        if type(obj) is not _Buffer:
            raise TypeError(f"{type(obj).__name__} is not a wire value")
        buffers.append(obj.data)
        return obj.header(len(buffers) - 1)

    text = json.dumps(message, separators=(",", ":"), allow_nan=True, default=as_header).encode("utf-8")
    table = struct.pack(f">I{len(buffers)}Q", len(buffers), *(len(b) for b in buffers))
    size = 4 + len(text) + len(table) + sum(len(b) for b in buffers)
    return b"".join([_HEAD.pack(size), _HEAD.pack(len(text)), text, table, *buffers])


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


def _split(body: memoryview) -> tuple[memoryview, list[memoryview]]:
    """The JSON text and the buffers of a frame's body, every size checked against what is there."""
    if len(body) < 8:
        raise WireError("frame too short for its sizes")
    (text_size,) = _HEAD.unpack(body[:4])
    if text_size > len(body) - 8:
        raise WireError(f"frame names {text_size} bytes of JSON, more than it holds")
    text, rest = body[4:4 + text_size], body[4 + text_size:]
    (count,) = _HEAD.unpack(rest[:4])
    if count > MAX_BUFFERS or 4 + 8 * count > len(rest):
        raise WireError(f"frame names {count} buffers, more than it holds")
    sizes = struct.unpack(f">{count}Q", rest[4:4 + 8 * count])
    data = rest[4 + 8 * count:]
    if sum(sizes) != len(data):
        raise WireError(f"frame's buffers are {sum(sizes)} bytes by its table and {len(data)} in fact")
    buffers, at = [], 0
    for size in sizes:
        buffers.append(data[at:at + size])
        at += size
    return text, buffers


def _array(head: dict[str, Any], buffers: list[memoryview], used: set[int]) -> Any:
    """The array a buffer header stands for: dtype, shape and byte count agree, or a ``WireError``."""
    index, dtype, shape, order = head.get("i"), head.get("dtype"), head.get("shape"), head.get("order", "C")
    if type(index) is not int or not 0 <= index < len(buffers) or index in used:
        raise WireError("a buffer header names no buffer, or one already read")
    used.add(index)
    if type(dtype) is not str or dtype not in BUFFER_DTYPES:
        raise WireError(f"a buffer of dtype {str(dtype)[:40]!r} is not carried")
    if (type(shape) is not list or len(shape) > MAX_DIMS
            or any(type(n) is not int or not 0 <= n <= MAX_FRAME_BYTES for n in shape)):
        raise WireError("a buffer's shape is not a short list of sizes")
    if order not in ("C", "F"):
        raise WireError("a buffer's order is C or F")
    item = np.dtype(dtype)
    if math.prod(shape) * item.itemsize != len(buffers[index]):
        raise WireError(f"a buffer of {len(buffers[index])} bytes is not a {dtype} array of shape {tuple(shape)}")
    try:
        arr = np.frombuffer(buffers[index], dtype=item).reshape(shape, order=order).copy(order="K")
    except ValueError as exc:
        raise WireError(f"a buffer could not be read: {exc}") from None
    if head.get("scalar", False) is not False:
        if head["scalar"] is not True or arr.ndim != 0:
            raise WireError("a NumPy scalar must be 0-d")
        return arr[()]
    return arr


def parse_frame(body: bytes | bytearray | memoryview) -> dict[str, Any]:
    """The message of a frame's body (the bytes after its size), its arrays read from the buffers."""
    text, buffers = _split(memoryview(body))
    used: set[int] = set()

    def hook(obj: dict[str, Any]) -> Any:
        return _array(obj, buffers, used) if obj.get(TAG) == "buf" else obj

    try:
        message = json.loads(bytes(text).decode("utf-8"), object_hook=hook)
    except WireError:
        raise
    except Exception as exc:  # noqa: BLE001 - deep nesting raises RecursionError; all of it is a bad frame
        raise WireError(f"frame is not readable JSON ({type(exc).__name__})") from None
    if not isinstance(message, dict):
        raise WireError("frame is not an object")
    if len(used) != len(buffers):
        raise WireError("a frame holds a buffer no value names")
    # What the learner's code printed or returned may hold lone surrogates (print("caf\udce9") is legal):
    # cleaned here, once, so nothing that writes the frame's text later can fail on it.
    return clean(message)


def read_frame(stream: BinaryIO, max_bytes: int = MAX_FRAME_BYTES) -> dict[str, Any]:
    """The next frame of ``stream``; one that says it is over ``max_bytes`` is refused before it is read.

    ``max_bytes``: above ``MAX_FRAME_BYTES`` only for the one frame that needs it (the GPU op's
    arguments, ``grader.learner.core.device.GPU_FRAME_BYTES``); every other frame keeps the default.
    """
    (size,) = _HEAD.unpack(read_exactly(stream, 4))
    if size > max_bytes:
        raise WireError(f"frame of {size} bytes is over the {max_bytes}-byte limit")
    return parse_frame(read_exactly(stream, size))
