"""The wall's data format: what crosses comes back as the same data, and nothing else can cross."""

from __future__ import annotations

import io
import json
import base64
import struct

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from grader.learner.core import wire
from grader.learner.core.calls import CallResult


def roundtrip(value):
    return wire.decode(wire.parse_frame(wire.dumps({"v": wire.encode(value)})[4:])["v"])


@pytest.mark.parametrize("value", [None, True, False, 0, -3, 2**70, 1.5, float("inf"), "text", "", [1, 2.5], (1, "a"), {"a", "c"}])
def test_python_values_come_back_equal_and_of_the_same_type(value) -> None:
    back = roundtrip(value)
    assert type(back) is type(value) and back == value


def test_nan_survives() -> None:
    assert np.isnan(roundtrip(float("nan")))


def test_numpy_scalars_keep_their_dtype_and_0d_arrays_their_shape() -> None:
    assert type(roundtrip(np.float64(2.5))) is np.float64
    assert type(roundtrip(np.int64(3))) is np.int64
    assert type(roundtrip(np.bool_(True))) is np.bool_
    zero_d = roundtrip(np.asarray(1.25))
    assert isinstance(zero_d, np.ndarray) and zero_d.shape == () and zero_d == 1.25


@given(hnp.arrays(dtype=st.sampled_from([np.float64, np.float32, np.int64, np.bool_, np.uint8]),
                  shape=hnp.array_shapes(min_dims=0, max_dims=4, max_side=5)))
def test_arrays_come_back_bit_for_bit(arr: np.ndarray) -> None:
    back = roundtrip(arr)
    assert back.dtype == arr.dtype and back.shape == arr.shape
    assert np.array_equal(back, arr, equal_nan=arr.dtype.kind == "f")


def test_non_contiguous_views_travel_as_their_values() -> None:
    arr = np.arange(12.0).reshape(3, 4)[:, ::2].T
    assert np.array_equal(roundtrip(arr), arr)


def test_dicts_keep_keys_and_nesting() -> None:
    value = {"w1": np.ones(2), "b1": 0.5, 3: [np.int64(1), ("x", None)]}
    back = roundtrip(value)
    assert list(back) == ["w1", "b1", 3]
    assert np.array_equal(back["w1"], np.ones(2)) and back[3][1] == ("x", None)


def test_a_generator_travels_as_its_state_and_draws_the_same() -> None:
    rng = np.random.default_rng(7)
    rng.random(3)
    back = roundtrip(rng)
    assert np.array_equal(back.random(5), rng.random(5))


def test_gradients_travel_as_coefficients_and_evaluate_the_same() -> None:
    coefficients = [0.25, 0.0, -0.375, 0.3125]
    p = wire.Rebuilt("gradient_descent", "polynomial", {"coefficients": coefficients})
    w = np.linspace(-2, 2, 7)
    assert np.array_equal(p(w), np.polyval(coefficients, w))
    assert np.array_equal(roundtrip(p)(w), p(w)) and type(roundtrip(p)(0.5)) is float
    m = wire.Rebuilt("gradient_descent", "linear_map", {"matrix": np.array([[2.0, 1.0], [1.0, 3.0]])})
    assert np.array_equal(roundtrip(m)(np.array([1.0, -1.0])), np.array([1.0, -2.0]))


def test_a_rebuilt_value_travels_as_plain_data_naming_its_exercise() -> None:
    p = wire.Rebuilt("gradient_descent", "polynomial", {"coefficients": [1.0, 2.0]})
    encoded = json.loads(json.dumps(wire.encode(p)))
    assert encoded["$"] == "rebuilt" and (encoded["exercise"], encoded["builder"]) == ("gradient_descent", "polynomial")
    assert wire.decode(encoded["data"]) == {"coefficients": [1.0, 2.0]}


@pytest.mark.parametrize("exercise, builder", [
    ("gradient_descent", "quartic"),        # a plot of that module, not a declared builder
    ("gradient_descent", "__init__"),
    ("gradient_descent", "np"),
    ("backprop", "polynomial"),             # declared by another exercise only
    ("os", "system"),
    ("../reference", "polynomial"),
    ("gradient_descent.np", "polynomial"),
])
def test_a_builder_the_module_does_not_declare_is_a_wire_error(exercise: str, builder: str) -> None:
    frame = {"$": "rebuilt", "exercise": exercise, "builder": builder, "data": {"$": "dict", "items": []}}
    with pytest.raises(wire.WireError):
        wire.decode(frame)
    with pytest.raises(wire.WireError):
        wire.Rebuilt(exercise, builder, {})


@pytest.mark.parametrize("data", [
    {"$": "dict", "items": []},
    {"$": "dict", "items": [["coefficients", "oops"]]},
    {"$": "dict", "items": [["coefficients", [True, 1]]]},
    [1.0, 2.0],
])
def test_data_a_builder_refuses_is_a_wire_error(data) -> None:
    with pytest.raises(wire.WireError):
        wire.decode({"$": "rebuilt", "exercise": "gradient_descent", "builder": "polynomial", "data": data})


class Liar:
    def __eq__(self, other):
        return True

    def __array__(self, dtype=None, copy=None):
        return np.zeros(3)


class LyingFloat(float):
    def __float__(self):
        return 99.0

    def __repr__(self):
        return "99.0"

    def __eq__(self, other):
        return True


class LyingList(list):
    def __iter__(self):
        return iter([1, 2, 3])


class LyingArray(np.ndarray):
    def __eq__(self, other):
        return np.ones(np.shape(other), dtype=bool)


def test_an_object_of_another_type_arrives_as_unsupported_never_as_itself() -> None:
    back = roundtrip(Liar())
    assert isinstance(back, wire.Unsupported) and back.type_name == "Liar"
    assert not (back == 1)


def test_subclasses_travel_as_their_true_base_values() -> None:
    assert roundtrip(LyingFloat(0.5)) == 0.5 and type(roundtrip(LyingFloat(0.5))) is float
    assert roundtrip(LyingList([7])) == [7]
    arr = np.zeros(3).view(LyingArray)
    back = roundtrip(arr)
    assert type(back) is np.ndarray and not np.array_equal(back, np.ones(3))


def test_object_arrays_do_not_cross() -> None:
    assert isinstance(roundtrip(np.array([object()], dtype=object)), wire.Unsupported)


def test_a_pickled_array_is_refused() -> None:
    buf = io.BytesIO()
    np.save(buf, np.array([{"a": 1}], dtype=object), allow_pickle=True)
    data = {"$": "nd", "npy": base64.b64encode(buf.getvalue()).decode()}
    with pytest.raises(wire.WireError):
        wire.decode(data)


@pytest.mark.parametrize("data", [{"$": "exec", "code": "1"}, {"no": "tag"}, {"$": "np", "npy": "!!"},
                                  {"$": "rng", "state": {"bit_generator": "MT19937"}}, {"$": "dict", "items": [[1]]}])
def test_anything_outside_the_format_is_an_error(data) -> None:
    with pytest.raises(wire.WireError):
        wire.decode(data)


def test_nesting_is_bounded() -> None:
    deep: list = []
    for _ in range(100):
        deep = [deep]
    encoded = wire.encode(deep)
    flat = str(encoded)
    assert "nested too deeply" in flat


def test_a_malformed_call_result_is_a_crash_not_an_exception() -> None:
    for garbage in (None, [], {"kind": "ok", "value": {"$": "nope"}}, {"kind": "win"}, {"kind": "ok", "warnings": [1]}):
        assert CallResult.from_wire(garbage).kind == "crashed"


def test_a_call_result_round_trips() -> None:
    result = CallResult(value=np.arange(3), kind="raised", error="ValueError: x", error_type="ValueError",
                        warnings=["RuntimeWarning: overflow"], mutated=["z"], seconds=0.5)
    back = CallResult.from_wire(wire.parse_frame(wire.dumps({"c": result.to_wire()})[4:])["c"])
    assert (back.kind, back.error, back.error_type, back.warnings, back.mutated) == (
        "raised", "ValueError: x", "ValueError", ["RuntimeWarning: overflow"], ["z"])
    assert np.array_equal(back.value, np.arange(3))


class BrokenRepr:
    def __repr__(self):
        return {"not": "text"}


def test_a_value_whose_repr_is_broken_is_described_not_raised() -> None:
    from grader.learner.core.compare import describe

    assert describe(BrokenRepr()) == "BrokenRepr (whose repr fails)"


def test_a_function_returning_an_object_with_a_broken_repr_scores_zero_in_process(course) -> None:
    from grader.exercises import check_for
    from grader.grading.context import context_for
    from grader.grading.runner import run_check

    def backward(x, y, params, cache):
        return BrokenRepr()

    result = run_check(check_for("backprop", "backward_output"), {"backward": backward},
                       context_for(course, "ada"), 3.0)
    assert result.points == 0 and "BrokenRepr (whose repr fails)" in " ".join(o.problem or "" for o in result.outcomes)


# ---- binary frames: arrays as raw buffers, every size checked before anything is read -------------


def frame_body(text: bytes, buffers: list[bytes], sizes: list[int] | None = None) -> bytes:
    """A frame's body written by hand, so a test can make each of its sizes lie."""
    sizes = [len(b) for b in buffers] if sizes is None else sizes
    return (struct.pack(">I", len(text)) + text + struct.pack(f">I{len(sizes)}Q", len(sizes), *sizes)
            + b"".join(buffers))


def buf_message(head: dict, buffers: list[bytes]) -> bytes:
    return frame_body(json.dumps({"v": {"$": "buf", **head}}).encode(), buffers)


def test_an_array_crosses_as_its_raw_bytes_not_as_text() -> None:
    arr = np.random.default_rng(0).random(100_000)
    frame = wire.dumps({"v": wire.encode(arr)})
    assert arr.tobytes() in frame and len(frame) < arr.nbytes + 400
    text_size = struct.unpack(">I", frame[4:8])[0]
    assert json.loads(frame[8:8 + text_size])["v"] == {"$": "buf", "i": 0, "dtype": "<f8", "shape": [100_000]}


def test_arrays_read_from_a_frame_are_writable_copies_that_keep_their_layout() -> None:
    fortran = np.asfortranarray(np.arange(6.0).reshape(2, 3))
    swapped = np.arange(4, dtype=">i4")
    back = roundtrip({"f": fortran, "s": swapped, "e": np.zeros((0, 3)), "z": np.float32(1.5)})
    assert back["f"].flags.f_contiguous and not back["f"].flags.c_contiguous and np.array_equal(back["f"], fortran)
    assert back["s"].dtype == np.dtype(">i4") and np.array_equal(back["s"], swapped)
    assert back["e"].shape == (0, 3) and type(back["z"]) is np.float32 and back["z"] == 1.5
    for arr in (back["f"], back["s"], back["e"]):
        assert arr.flags.writeable and arr.flags.owndata


@pytest.mark.parametrize("value", [np.array(["ab", "c"]), np.array(["2026-01-01"], dtype="datetime64[D]"),
                                   np.zeros(2, dtype=[("a", "<f8")])])
def test_other_dtypes_travel_inside_the_json_as_before(value) -> None:
    encoded = wire.encode(value)
    assert encoded["$"] == "nd"
    back = roundtrip(value)
    assert back.dtype == value.dtype and np.array_equal(back, value)


def test_inline_arrays_give_plain_json_for_documents_that_are_not_frames() -> None:
    value = {"w": np.ones((2, 2)), "b": np.float64(0.5), "k": [np.int64(3)]}
    text = json.dumps(wire.encode(value, inline_arrays=True))
    back = wire.decode(json.loads(text))
    assert np.array_equal(back["w"], np.ones((2, 2))) and type(back["b"]) is np.float64 and back["k"] == [3]


def test_a_frame_array_outside_a_frame_is_not_json() -> None:
    with pytest.raises(TypeError):
        json.dumps(wire.encode(np.ones(2)))


@pytest.mark.parametrize("body, why", [
    (b"", "too short"),
    (struct.pack(">I", 10**6) + b"{}" + struct.pack(">I", 0), "more than it holds"),            # JSON size lies
    (struct.pack(">I", 2) + b"{}" + struct.pack(">I", 5), "buffers, more than it holds"),       # count lies
    (struct.pack(">I", 2) + b"{}" + struct.pack(">I", wire.MAX_BUFFERS + 1), "more than it holds"),
    (frame_body(b"{}", [b"x" * 8], sizes=[16]), "by its table"),                                # truncated buffer
    (frame_body(b"{}", [b"x" * 8], sizes=[4]), "by its table"),                                 # trailing bytes
    (frame_body(b"{}", [b"x" * 8]), "no value names"),                                          # unnamed buffer
    (frame_body(b"{}", [], sizes=[2**63]), "by its table"),                                      # absurd size
])
def test_a_frame_whose_sizes_lie_is_refused(body: bytes, why: str) -> None:
    with pytest.raises(wire.WireError, match=why):
        wire.parse_frame(body)


@pytest.mark.parametrize("head, buffers", [
    ({"i": 0, "dtype": "<f8", "shape": [3]}, [b"\0" * 16]),                # shape says 24 bytes, 16 there
    ({"i": 0, "dtype": "<f8", "shape": [2**40, 2**40]}, [b"\0" * 8]),      # a lie that would need 2**83 bytes
    ({"i": 0, "dtype": "<f8", "shape": [0, 2**62]}, []),                   # zero bytes, absurd shape
    ({"i": 0, "dtype": "<f8", "shape": [1] * 33}, [b"\0" * 8]),            # too many dimensions
    ({"i": 0, "dtype": "<f8", "shape": [-1]}, [b"\0" * 8]),
    ({"i": 0, "dtype": "<f8", "shape": [1.0]}, [b"\0" * 8]),
    ({"i": 0, "dtype": "<f8", "shape": "8"}, [b"\0" * 8]),
    ({"i": 0, "dtype": "|O", "shape": [1]}, [b"\0" * 8]),                  # object pointers
    ({"i": 0, "dtype": "<U2", "shape": [1]}, [b"\0" * 8]),                 # text is not a buffer dtype
    ({"i": 0, "dtype": "V8", "shape": [1]}, [b"\0" * 8]),
    ({"i": 0, "dtype": ["<f8"], "shape": [1]}, [b"\0" * 8]),
    ({"i": 1, "dtype": "<f8", "shape": [1]}, [b"\0" * 8]),                 # no such buffer
    ({"i": -1, "dtype": "<f8", "shape": [1]}, [b"\0" * 8]),
    ({"i": True, "dtype": "|b1", "shape": [1]}, [b"\0"]),
    ({"i": 0, "dtype": "<f8", "shape": [1], "order": "X"}, [b"\0" * 8]),
    ({"i": 0, "dtype": "<f8", "shape": [1], "scalar": True}, [b"\0" * 8]),  # a scalar is 0-d
    ({"i": 0, "dtype": "<f8", "shape": [], "scalar": 1}, [b"\0" * 8]),
])
def test_a_buffer_header_that_lies_is_refused(head: dict, buffers: list[bytes]) -> None:
    with pytest.raises(wire.WireError):
        wire.parse_frame(buf_message(head, buffers))


def test_a_buffer_cannot_be_read_twice() -> None:
    # One buffer named by many values would be copied once per name: a small frame, a huge allocation.
    head = {"$": "buf", "i": 0, "dtype": "<f8", "shape": [1]}
    text = json.dumps({"v": [head, head]}).encode()
    with pytest.raises(wire.WireError, match="already read"):
        wire.parse_frame(frame_body(text, [b"\0" * 8]))


def test_a_lying_frame_allocates_nothing_of_what_it_claims() -> None:
    import tracemalloc

    lies = [buf_message({"i": 0, "dtype": "<f8", "shape": [2**27]}, [b"\0" * 8]),
            struct.pack(">I", 2) + b"{}" + struct.pack(">I", 2**31) + b"\0" * 64,
            frame_body(b"{}", [b"\0" * 8], sizes=[2**40])]
    tracemalloc.start()
    try:
        for body in lies:
            with pytest.raises(wire.WireError):
                wire.parse_frame(body)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20


def test_read_frame_refuses_a_size_over_the_limit_before_reading_it() -> None:
    stream = io.BytesIO(struct.pack(">I", wire.MAX_FRAME_BYTES + 1))
    with pytest.raises(wire.WireError, match="limit"):
        wire.read_frame(stream)


def test_a_truncated_frame_on_a_stream_is_end_of_channel() -> None:
    frame = wire.dumps({"v": wire.encode(np.ones(100))})
    with pytest.raises(EOFError):
        wire.read_frame(io.BytesIO(frame[:-1]))
