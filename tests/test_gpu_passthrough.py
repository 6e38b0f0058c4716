"""The sandbox passes an NVIDIA GPU through (its device nodes, nothing else) only where one and CuPy are."""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import random
import stat
import tempfile
from pathlib import Path

import pytest

from grader.sandbox import launch
from grader.sandbox.launch import Limits, Sandbox, gpu_device_nodes

HAS_CUPY = importlib.util.find_spec("cupy") is not None
HAS_GPU_NODES = any(Path("/dev").glob("nvidia[0-9]*"))


def bwrap_sandbox(gpu=()) -> Sandbox:
    return Sandbox("bubblewrap", bwrap="bwrap", gpu=gpu)


def command(sandbox: Sandbox) -> list[str]:
    random.seed(0)  # the worker's user id is drawn: the same draw for both commands compared
    with tempfile.TemporaryDirectory() as files:
        return sandbox.command(["python", "-c", "1"], Path(files), Limits())


@pytest.mark.skipif(HAS_CUPY and HAS_GPU_NODES, reason="this machine has an NVIDIA GPU and CuPy")
def test_without_a_gpu_the_sandbox_sees_no_nvidia_node_and_gets_no_extra_bind() -> None:
    assert gpu_device_nodes() == ()
    cmd = command(bwrap_sandbox(gpu_device_nodes()))
    assert not [a for a in cmd if "nvidia" in a] and "--dev-bind" not in cmd
    assert cmd == command(bwrap_sandbox())


def mknod_or_skip(path: Path) -> None:
    try:
        os.mknod(path, stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null's numbers: harmless if opened
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make device nodes here ({exc})")


def test_exactly_the_planted_gpu_nodes_are_bound_and_nothing_else(tmp_path: Path, monkeypatch) -> None:
    dev = tmp_path / "dev"
    (dev / "nvidia-caps").mkdir(parents=True)
    wanted = ["nvidia0", "nvidia1", "nvidiactl", "nvidia-uvm", "nvidia-caps/nvidia-cap1"]
    for name in wanted + ["sda", "nvidia-unknown", "nvidia0x"]:
        mknod_or_skip(dev / name)
    (dev / "nvidia7").write_text("a file is not a GPU")
    (dev / "nvidia8").symlink_to(dev / "sda")
    (dev / "nvidia9").mkdir()
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: object() if name == "cupy" else None)

    nodes = gpu_device_nodes(dev)
    assert sorted(inside for _, inside in nodes) == sorted(f"/dev/{n}" for n in wanted)
    assert all(here == str(dev / inside.removeprefix("/dev/")) for here, inside in nodes)

    with_gpu, without = command(bwrap_sandbox(nodes)), command(bwrap_sandbox())
    binds = [tuple(with_gpu[i + 1:i + 3]) for i, a in enumerate(with_gpu) if a == "--dev-bind"]
    assert sorted(binds) == sorted(nodes)
    rest = list(with_gpu)
    for here, inside in nodes:
        i = rest.index(here)
        del rest[i - 1:i + 2]
    assert rest == without


def test_without_cupy_even_real_nodes_are_not_bound(tmp_path: Path, monkeypatch) -> None:
    dev = tmp_path / "dev"
    dev.mkdir()
    mknod_or_skip(dev / "nvidia0")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None)
    assert gpu_device_nodes(dev) == ()


def test_a_sandbox_found_here_carries_exactly_this_machines_gpu_nodes() -> None:
    sandbox = Sandbox.detect()
    if not sandbox.isolated:
        pytest.skip(f"no bubblewrap here: {sandbox.reason}")
    assert sandbox.gpu == gpu_device_nodes()
    if not sandbox.gpu:
        assert command(sandbox) == command(dataclasses.replace(sandbox, gpu=()))


@pytest.mark.skipif(not (HAS_CUPY and HAS_GPU_NODES), reason="needs an NVIDIA GPU and CuPy; this machine has "
                    + ("no CuPy" if not HAS_CUPY else "no /dev/nvidia* device node"))
def test_on_a_gpu_machine_the_nodes_are_passed_through() -> None:
    nodes = gpu_device_nodes()
    assert any(inside.startswith("/dev/nvidia") and inside[11:].isdigit() for _, inside in nodes)
    assert ("/dev/nvidiactl", "/dev/nvidiactl") in nodes
    assert launch.Sandbox.detect().gpu == nodes
