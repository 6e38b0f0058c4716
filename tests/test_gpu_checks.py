"""GPU checks: the learner's functions on CuPy arrays, in-process and through the real sandbox.

Tests marked ``gpu`` need CuPy and a CUDA GPU and are skipped with the reason elsewhere. The others run
everywhere: what each path says where there is no GPU (and that it builds nothing), the worker's GPU
op without CuPy, the GPU op's larger frame cap, and the memory limit of a sandbox that passes GPU
nodes through.
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import stat
import struct
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from reference import perceptron as ref
from check_support import course as current_course, ctx_for
from grader.checks.gpu import GpuCase, gpu_report, skipped
from grader.learner.core import wire
from grader.learner.core.device import GPU_FRAME_BYTES, DeviceRun, cupy_or_reason
from grader.nbgrader_glue.notebook import NotebookGrader, why_no_gpu
from grader.sandbox.launch import Failure, Limits, Sandbox, WorkerDied
from grader.sandbox.remote import RemoteNamespace
from grader.sandbox.session import WorkerSession

CUPY, NO_GPU = cupy_or_reason()
needs_gpu = pytest.mark.skipif(CUPY is None, reason=f"needs CuPy and a CUDA GPU: {NO_GPU}")
SANDBOX = Sandbox.detect()
needs_bwrap = pytest.mark.skipif(not SANDBOX.isolated, reason=f"needs bubblewrap: {SANDBOX.reason}")
HAS_CUPY = importlib.util.find_spec("cupy") is not None


class Counted:
    """A case's ``make_args`` that counts its calls: where there is no GPU it must never be called."""

    def __init__(self, make_args) -> None:
        self.make_args, self.calls = make_args, 0

    def __call__(self, *args, **kwargs):
        self.calls += 1
        return self.make_args(*args, **kwargs)


def counted_cases(cases: tuple[GpuCase, ...]) -> tuple[tuple[GpuCase, ...], list[Counted]]:
    counters = [Counted(c.make_args) for c in cases]
    return tuple(GpuCase(c.function, n, c.reference) for c, n in zip(cases, counters)), counters


def source_notebook(assignment: str) -> nbformat.NotebookNode:
    course = current_course()
    return nbformat.read(course.path(course.assignment(assignment).notebook), as_version=4)


def plant_nodes(dev: Path, names: list[str]) -> None:
    for name in names:
        (dev / name).parent.mkdir(parents=True, exist_ok=True)
        try:
            os.mknod(dev / name, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null's numbers: harmless if opened
        except (PermissionError, OSError) as exc:
            pytest.skip(f"cannot make device nodes here ({exc})")


def pretend_cupy_installed(monkeypatch) -> None:
    """find_spec says CuPy is there, so the node and sandbox rules can be seen (importing it still fails)."""
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object() if name == "cupy" else real(name, *a))


# ---- where there is no GPU: the reason, and nothing built -----------------------------------------------

@pytest.mark.skipif(CUPY is not None, reason="this machine has CuPy and a GPU")
def test_in_process_without_a_gpu_the_report_names_the_reason_and_builds_nothing() -> None:
    from grader.exercises.perceptron import GPU_CASES

    cases, counters = counted_cases(GPU_CASES)
    namespace = {"sigmoid": ref.sigmoid, "relu": ref.relu, "perceptron_forward": ref.perceptron_forward}
    lines = gpu_report(cases, namespace, ctx_for())
    assert lines == [skipped(f"{NO_GPU} on the grading machine")]
    assert NO_GPU and NO_GPU in lines[0]
    assert [c.calls for c in counters] == [0, 0, 0]


@needs_bwrap
@pytest.mark.skipif(why_no_gpu(SANDBOX) is None, reason="this machine can run GPU checks in its sandbox")
def test_through_the_sandbox_without_a_gpu_the_gpu_cell_names_the_reason_and_builds_nothing(monkeypatch) -> None:
    import grader.exercises.perceptron as perceptron

    cases, counters = counted_cases(perceptron.GPU_CASES)
    monkeypatch.setattr(perceptron, "GPU_CASES", cases)
    result = NotebookGrader(current_course(), SANDBOX).grade(source_notebook("perceptron"), "perceptron", "gpu-test")
    part = result.parts["gpu"]
    assert (part.points, part.max_points, part.status) == (0.0, 0.0, "passed")
    assert part.message == skipped(why_no_gpu(SANDBOX))
    if not HAS_CUPY:
        assert "CuPy is not installed on the grading machine" in part.message
    assert [c.calls for c in counters] == [0, 0, 0]
    # Every graded part keeps its full marks: the GPU cell changes nothing else.
    assert all(p.points == p.max_points for gid, p in result.parts.items() if gid != "gpu")


@needs_bwrap
def test_an_exercise_without_gpu_cases_says_so() -> None:
    result = NotebookGrader(current_course(), SANDBOX).grade(source_notebook("backprop"), "backprop", "gpu-test")
    assert result.parts["gpu"].message == skipped("this exercise has no GPU-sized part")


def test_each_reason_for_no_gpu_is_named(tmp_path: Path, monkeypatch) -> None:
    bwrap = Sandbox("bubblewrap", bwrap="bwrap")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    assert why_no_gpu(bwrap, tmp_path) == "CuPy is not installed on the grading machine"
    pretend_cupy_installed(monkeypatch)
    dev = tmp_path / "dev"
    dev.mkdir()
    plant_nodes(dev, ["nvidiactl"])  # the driver's control node alone is no GPU
    assert why_no_gpu(bwrap, dev) == "no NVIDIA GPU on the grading machine"
    plant_nodes(dev, ["nvidia0", "nvidia-uvm"])
    assert why_no_gpu(bwrap, dev) == "the sandbox has no GPU access"
    assert "without a sandbox" in why_no_gpu(Sandbox("none", "test"), dev)
    from grader.sandbox.launch import gpu_device_nodes

    assert why_no_gpu(Sandbox("bubblewrap", bwrap="bwrap", gpu=gpu_device_nodes(dev)), dev) is None


@needs_bwrap
@pytest.mark.skipif(HAS_CUPY, reason="CuPy is installed here")
def test_a_sandbox_with_gpu_nodes_but_no_cupy_in_the_grader_builds_nothing(tmp_path: Path, monkeypatch) -> None:
    # The node and sandbox rules pass (find_spec is told CuPy is there); the grader's own CuPy import
    # then fails, and the report says so before any case's arguments are built.
    import grader.exercises.dropout as dropout
    from grader.sandbox.launch import gpu_device_nodes

    dev = tmp_path / "dev"
    dev.mkdir()
    plant_nodes(dev, ["nvidia0", "nvidiactl", "nvidia-uvm"])
    pretend_cupy_installed(monkeypatch)
    nodes = gpu_device_nodes(dev)
    cases, counters = counted_cases(dropout.GPU_CASES)
    with WorkerSession(Sandbox("bubblewrap", bwrap=SANDBOX.bwrap, gpu=nodes), Limits()) as session:
        session.run_cell("a", "def dropout_backward(dout, mask, p_drop):\n    return dout * mask / (1 - p_drop)", 10)
        lines = gpu_report(cases, RemoteNamespace(session), ctx_for())
    assert lines == [skipped("CuPy is not installed on the grading machine")]
    assert counters[0].calls == 0


# ---- the worker's GPU op, its frames, its limits --------------------------------------------------------

@pytest.fixture(scope="module")
def session():
    if not SANDBOX.isolated:
        pytest.skip(f"needs bubblewrap: {SANDBOX.reason}")
    with WorkerSession(SANDBOX, Limits()) as s:
        yield s


@pytest.mark.skipif(HAS_CUPY, reason="CuPy is installed here")
def test_the_workers_gpu_op_without_cupy_answers_with_the_reason_and_the_worker_goes_on(session) -> None:
    session.run_cell("a", "def twice(x):\n    return 2 * x", 10)
    # 72 MB of arguments: over every other frame's cap, taken by this op alone.
    big = np.ones(9_000_000)
    assert len(wire.dumps({"args": [wire.encode(big)]})) > wire.MAX_FRAME_BYTES
    run = session.gpu("twice", (big,), 5)
    assert (run.kind, run.error) == ("unavailable", "CuPy is not installed")
    assert session.gpu("absent", (np.ones(3),), 5).kind == "raised"
    # The arguments frame was read, not left to be taken for the next request.
    result, _ = session.call("twice", (np.arange(3.0),), {}, ("x",), 5)
    assert result.kind == "ok" and result.value.tolist() == [0.0, 2.0, 4.0]
    assert session.crashes == []


def test_read_frame_takes_a_larger_cap_only_when_asked() -> None:
    frame = wire.dumps({"v": wire.encode(np.zeros(9_000_000))})  # 72 MB
    assert len(frame) > wire.MAX_FRAME_BYTES
    with pytest.raises(wire.WireError, match="limit"):
        wire.read_frame(_Stream(frame))
    assert wire.read_frame(_Stream(frame), max_bytes=GPU_FRAME_BYTES)["v"].shape == (9_000_000,)


def test_the_gpu_cap_refuses_a_bigger_size_before_reading_and_lying_frames_allocate_nothing() -> None:
    import tracemalloc

    stream = _Stream(struct.pack(">I", GPU_FRAME_BYTES + 1))
    with pytest.raises(wire.WireError, match="limit"):
        wire.read_frame(stream, max_bytes=GPU_FRAME_BYTES)
    assert stream.read_bytes == 4
    head = {"$": "buf", "i": 0, "dtype": "<f8", "shape": [10**7]}
    text = json.dumps({"v": head}).encode()
    lies = [  # a buffer that claims 80 MB and holds 8 bytes; a table that claims more than the frame holds
        struct.pack(">I", len(text)) + text + struct.pack(">IQ", 1, 8) + b"\0" * 8,
        struct.pack(">I", 2) + b"{}" + struct.pack(">IQ", 1, GPU_FRAME_BYTES) + b"\0" * 64,
    ]
    tracemalloc.start()
    try:
        for body in lies:
            with pytest.raises(wire.WireError):
                wire.read_frame(_Stream(struct.pack(">I", len(body)) + body), max_bytes=GPU_FRAME_BYTES)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1 << 20


class _Stream:
    """A byte stream that counts what was read from it."""

    def __init__(self, data: bytes) -> None:
        self.data, self.read_bytes = data, 0

    def read(self, n: int) -> bytes:
        chunk = self.data[self.read_bytes:self.read_bytes + n]
        self.read_bytes += len(chunk)
        return chunk


def _session_reading(data: bytes, folder: Path) -> WorkerSession:
    """A session whose "worker" is a real process that writes ``data`` on its stdout and then waits."""
    path = folder / "reply.bin"
    path.write_bytes(data)
    code = (f"import sys, time; sys.stdout.buffer.write(open({str(path)!r}, 'rb').read()); sys.stdout.flush(); "
            "time.sleep(60)")
    s = WorkerSession(Sandbox("none", "test"), Limits())
    s._proc = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               start_new_session=True)
    s._init_pid = None
    return s


def test_the_sessions_gpu_cap_kills_a_worker_that_claims_more_before_reading_it(tmp_path: Path) -> None:
    s = _session_reading(struct.pack(">I", GPU_FRAME_BYTES + 1), tmp_path)
    try:
        with pytest.raises(WorkerDied) as died:
            s._read(time.monotonic() + 10, max_bytes=GPU_FRAME_BYTES)
        assert died.value.kind is Failure.OUTPUT_LIMIT and "512 MB" in str(died.value)
        assert s._proc.poll() is not None
    finally:
        s.close()
        s._scratch.cleanup()


def test_a_reply_over_the_usual_cap_is_read_under_the_gpu_cap_and_refused_under_the_usual_one(tmp_path: Path) -> None:
    big = wire.dumps({"v": wire.encode(np.zeros(9_000_000))})
    assert len(big) > wire.MAX_FRAME_BYTES
    for cap, expect_ok in ((GPU_FRAME_BYTES, True), (wire.MAX_FRAME_BYTES, False)):
        s = _session_reading(big, tmp_path)
        try:
            if expect_ok:
                assert s._read(time.monotonic() + 30, max_bytes=cap)["v"].shape == (9_000_000,)
            else:
                with pytest.raises(WorkerDied) as died:
                    s._read(time.monotonic() + 30, max_bytes=cap)
                assert died.value.kind is Failure.OUTPUT_LIMIT
        finally:
            s.close()
            s._scratch.cleanup()


def test_a_malformed_gpu_reply_is_a_crash_never_an_exception() -> None:
    for data in (None, {"kind": "ok"}, {"kind": "ok", "on_device": "yes"}, {"kind": "raised", "on_device": False},
                 {"kind": "weird", "on_device": False}):
        assert DeviceRun.from_wire(data).kind == "crashed"
    run = DeviceRun("ok", value=np.arange(3.0), on_device=True, seconds=0.5, device="X")
    back = DeviceRun.from_wire(wire.parse_frame(wire.dumps({"r": run.to_wire()})[4:])["r"])
    assert (back.kind, back.on_device, back.seconds, back.device, back.value.tolist()) == ("ok", True, 0.5, "X",
                                                                                          [0.0, 1.0, 2.0])


def test_only_a_sandbox_that_passes_gpu_nodes_through_bounds_rlimit_data_instead_of_rlimit_as(tmp_path: Path,
                                                                                            monkeypatch) -> None:
    from grader.sandbox.launch import gpu_device_nodes

    dev = tmp_path / "dev"
    dev.mkdir()
    plant_nodes(dev, ["nvidia0", "nvidiactl"])
    pretend_cupy_installed(monkeypatch)
    with_gpu = Sandbox("bubblewrap", bwrap="bwrap", gpu=gpu_device_nodes(dev))
    assert with_gpu.gpu and with_gpu.limits_for(Limits()).memory_rlimit == resource.RLIMIT_DATA
    for plain in (Sandbox("bubblewrap", bwrap="bwrap"), Sandbox("none", "test")):
        assert plain.limits_for(Limits()) == Limits() and Limits().memory_rlimit == resource.RLIMIT_AS
    assert WorkerSession(with_gpu, Limits()).limits.gpu is True
    assert WorkerSession(Sandbox("bubblewrap", bwrap="bwrap"), Limits()).limits.gpu is False


LIMITS_CELL = ("with open('/proc/self/limits') as f:\n"
               "    rows = {l[:26].strip(): l[26:].split()[0] for l in f.read().splitlines()[1:]}\n"
               "print(rows['Max address space'], rows['Max data size'])")


def _limits_seen(run) -> tuple[str, str]:
    assert run.status == "ok", run.error
    address, data = run.stdout.strip().splitlines()[-1].split()
    return address, data


@needs_bwrap
def test_a_sandboxed_worker_with_gpu_nodes_runs_under_rlimit_data_and_one_without_under_rlimit_as(
        tmp_path: Path, monkeypatch) -> None:
    from grader.sandbox.launch import gpu_device_nodes

    dev = tmp_path / "dev"
    dev.mkdir()
    plant_nodes(dev, ["nvidia0", "nvidiactl", "nvidia-uvm"])
    pretend_cupy_installed(monkeypatch)
    limit = str(Limits().memory_mb * 1024 * 1024)
    gpu_sandbox = Sandbox("bubblewrap", bwrap=SANDBOX.bwrap, gpu=gpu_device_nodes(dev))
    with WorkerSession(gpu_sandbox, Limits()) as s:
        address, data = _limits_seen(s.run_cell("a", LIMITS_CELL, 10))
    assert data == limit and address != limit  # the address space: the grader's own, not the worker's
    with WorkerSession(SANDBOX if not SANDBOX.gpu else Sandbox("bubblewrap", bwrap=SANDBOX.bwrap), Limits()) as s:
        assert _limits_seen(s.run_cell("a", LIMITS_CELL, 10)) == (limit, "unlimited")


@pytest.mark.skipif(not (SANDBOX.isolated and os.getuid() == 0), reason="a warm sandbox needs bubblewrap run as root")
def test_the_forks_of_a_warm_gpu_sandbox_run_under_rlimit_data(tmp_path: Path, monkeypatch) -> None:
    from grader.sandbox.forked import ForkedSession
    from grader.sandbox.launch import gpu_device_nodes
    from grader.sandbox.warm import WarmSandbox

    dev = tmp_path / "dev"
    dev.mkdir()
    plant_nodes(dev, ["nvidia0", "nvidiactl", "nvidia-uvm"])
    pretend_cupy_installed(monkeypatch)
    limit = str(Limits().memory_mb * 1024 * 1024)
    for gpu_nodes, expected_data in ((gpu_device_nodes(dev), limit), ((), "unlimited")):
        with WarmSandbox(Sandbox("bubblewrap", bwrap=SANDBOX.bwrap, gpu=gpu_nodes)) as warm:
            with ForkedSession(warm, Limits(), {}, learner="x") as s:
                address, data = _limits_seen(s.run_cell("a", LIMITS_CELL, 30))
        assert data == expected_data
        assert (address == limit) is (not gpu_nodes)


# ---- on a GPU: real runs --------------------------------------------------------------------------------

def _leaves_the_device(z):
    import numpy as np

    return 1 / (1 + np.exp(-np.asarray(z.get())))


def _wrong_sigmoid(z):
    import numpy as np

    return 1 / (1 + np.exp(z))


@needs_gpu
@pytest.mark.gpu
def test_in_process_the_reference_agrees_a_host_function_is_named_and_a_wrong_one_disagrees() -> None:
    from grader.exercises.perceptron import GPU_CASES

    sigmoid = [c for c in GPU_CASES if c.function == "sigmoid"]
    for fn, expected in ((ref.sigmoid, "agrees"), (_leaves_the_device, "left the GPU"), (_wrong_sigmoid, "disagrees")):
        lines = gpu_report(sigmoid, {"sigmoid": fn}, ctx_for(), size=10**6)
        assert lines[0].startswith("GPU checks on ") and expected in lines[1], lines
    assert "stayed on the GPU" in gpu_report(sigmoid, {"sigmoid": ref.sigmoid}, ctx_for(), size=10**6)[1]


@needs_gpu
@needs_bwrap
@pytest.mark.gpu
def test_through_the_sandbox_the_solution_agrees_on_the_gpu() -> None:
    if why_no_gpu(SANDBOX) is not None:
        pytest.skip(f"the sandbox cannot run GPU code here: {why_no_gpu(SANDBOX)}")
    result = NotebookGrader(current_course(), SANDBOX).grade(source_notebook("perceptron"), "perceptron", "gpu-test")
    message = result.parts["gpu"].message
    assert message.startswith("GPU checks on "), message
    assert message.count("agrees with the reference's CPU result") == 3, message
    assert message.count("stayed on the GPU") == 3, message


@needs_gpu
@needs_bwrap
@pytest.mark.gpu
def test_through_the_sandbox_a_function_that_leaves_the_device_and_a_wrong_one_are_named() -> None:
    if why_no_gpu(SANDBOX) is not None:
        pytest.skip(f"the sandbox cannot run GPU code here: {why_no_gpu(SANDBOX)}")
    from grader.exercises.perceptron import GPU_CASES

    cases = [c for c in GPU_CASES if c.function in ("sigmoid", "relu")]
    with WorkerSession(SANDBOX, Limits()) as s:
        s.run_cell("a", "import numpy as np\n"
                        "def sigmoid(z):\n    return 1 / (1 + np.exp(-np.asarray(z.get())))\n"
                        "def relu(z):\n    return np.minimum(z, 0)", 30)
        lines = gpu_report(cases, RemoteNamespace(s), ctx_for(), size=10**6)
    assert lines[0].startswith("GPU checks on "), lines
    assert "left the GPU" in lines[1] and "agrees" in lines[1], lines
    assert "disagrees" in lines[2] and "stayed on the GPU" in lines[2], lines
