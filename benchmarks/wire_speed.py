"""What the wall's data format costs one dropout submission: every message of a real grading, replayed.

    .venv/bin/python benchmarks/wire_speed.py [NOTEBOOK] [--repeat 5]

Grades NOTEBOOK (default: the dropout source notebook, correct work) once with ``dlcourse grade
NOTEBOOK --json`` in this process, through the real sandbox, recording every frame the trusted side
writes and reads. Then replays each recorded message the way it crosses: the sender encodes its
values and writes the frame, the receiver parses the frame and decodes its values, for requests and
replies alike (the worker runs the same module, so both sides are timed here, in one process). The
figure is the sum over the grading's messages, best of ``--repeat`` replays; the pipe's own copy
(about 1 ms per 10 MB) is not in it. The target is 30 ms or less.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import platform
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")

from grader.learner.core import wire  # noqa: E402

TARGET_S = 0.030


def _values(message: dict[str, Any]) -> list[Any]:
    """The wire values a request or reply of the worker's protocol carries."""
    out = list(message.get("args") or [])
    if "kwargs" in message:
        out.append(message["kwargs"])
    if isinstance(message.get("call"), dict) and "value" in message["call"]:
        out.append(message["call"]["value"])
    if isinstance(message.get("values"), dict):
        out.extend(message["values"].values())
    return out


def _replace(message: dict[str, Any], encoded: list[Any]) -> dict[str, Any]:
    """``message`` with its wire values, in ``_values``'s order, replaced by ``encoded``."""
    out, it = dict(message), iter(encoded)
    if "args" in out:
        out["args"] = [next(it) for _ in out["args"]]
    if "kwargs" in out:
        out["kwargs"] = next(it)
    if isinstance(out.get("call"), dict) and "value" in out["call"]:
        out["call"] = {**out["call"], "value": next(it)}
    if isinstance(out.get("values"), dict):
        out["values"] = {k: next(it) for k in out["values"]}
    return out


def record(notebook: Path) -> list[dict[str, Any]]:
    """Every message of one real grading, as decoded values (what each side holds before encoding)."""
    from grader.cli.main import main as cli_main

    frames: list[bytes] = []
    real_dumps, real_parse = wire.dumps, wire.parse_frame

    def dumps(message: dict[str, Any]) -> bytes:
        frame = real_dumps(message)
        frames.append(frame)
        return frame

    def parse_frame(body: Any) -> dict[str, Any]:
        frames.append(len(body).to_bytes(4, "big") + bytes(body))
        return real_parse(body)

    wire.dumps, wire.parse_frame = dumps, parse_frame
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            cli_main(["grade", str(notebook), "--json"])
    finally:
        wire.dumps, wire.parse_frame = real_dumps, real_parse
    messages = []
    for frame in frames:
        message = real_parse(frame[4:])
        messages.append(_replace(message, [wire.decode(v) for v in _values(message)]))
    return messages


def replay(messages: list[dict[str, Any]]) -> tuple[float, int]:
    """Seconds to send and receive every message once, and the bytes that crossed."""
    total, size = 0.0, 0
    for message in messages:
        start = time.perf_counter()
        frame = wire.dumps(_replace(message, [wire.encode(v) for v in _values(message)]))
        received = wire.parse_frame(frame[4:])
        for value in _values(received):
            wire.decode(value)
        total += time.perf_counter() - start
        size += len(frame)
    return total, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("notebook", nargs="?", type=Path, default=ROOT / "exercises" / "dropout" / "dropout.ipynb")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    messages = record(args.notebook)
    runs = [replay(messages) for _ in range(args.repeat)]
    best = min(seconds for seconds, _ in runs)
    load = os.getloadavg()[0]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, load {load:.1f}")
    print(f"{args.notebook.name}: {len(messages)} messages, {runs[0][1] / 1e6:.1f} MB across the wall")
    print(f"wire time (encode, frame, parse, decode; both directions): {best * 1000:.1f} ms "
          f"(target {TARGET_S * 1000:.0f} ms: {'met' if best <= TARGET_S else 'missed'})")


if __name__ == "__main__":
    main()
