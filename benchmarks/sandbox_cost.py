"""What the sandbox costs per submission: bubblewrap against a plain child process, same grading.

    .venv/bin/python benchmarks/sandbox_cost.py [--repeat N]

Grades the five source notebooks (correct work) N times each through
``NotebookGrader`` (the path ``nbgrader autograde`` takes), once with the
worker in bubblewrap and once as a plain child process with the same resource
limits (the no-sandbox fall-back), interleaved, and prints seconds per
submission for each and the difference. The target is about 50 ms or less.
"""

from __future__ import annotations

import argparse
import copy
import platform
import statistics
import sys
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.nbgrader_glue.notebook import NotebookGrader  # noqa: E402
from grader.course.config import load_course  # noqa: E402
from grader.sandbox.launch import Sandbox  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    course = load_course(ROOT / "course.yaml")
    bwrap = Sandbox.detect()
    if not bwrap.isolated:
        sys.exit(f"bubblewrap is not usable here: {bwrap.reason}")
    graders = {"bubblewrap": NotebookGrader(course, bwrap), "no sandbox": NotebookGrader(course, Sandbox("none", "baseline"))}
    notebooks = {a.id: nbformat.read(course.path(a.notebook), as_version=4) for a in course.assignments}
    times: dict[str, list[float]] = {k: [] for k in graders}
    for i in range(args.repeat):
        for assignment, nb in notebooks.items():
            for name, grader in graders.items():
                start = time.perf_counter()
                result = grader.grade(copy.deepcopy(nb), assignment, f"bench-{i}")
                times[name].append(time.perf_counter() - start)
                assert result.total == result.max_total, (name, assignment, result.total, result.max_total)
    print(f"machine: {platform.processor() or platform.machine()}, {platform.python_version()}, "
          f"{len(times['bubblewrap'])} submissions per mode (5 notebooks x {args.repeat})")
    for name, ts in times.items():
        print(f"  {name:12s} median {statistics.median(ts) * 1000:7.1f} ms per submission, mean {statistics.mean(ts) * 1000:7.1f} ms")
    diff = statistics.median(times["bubblewrap"]) - statistics.median(times["no sandbox"])
    print(f"  sandbox cost (median difference): {diff * 1000:+.1f} ms per submission (target: about 50 ms or less)")


if __name__ == "__main__":
    main()
