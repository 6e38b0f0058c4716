"""The GPU checks measured for real, on a machine with an NVIDIA GPU and CuPy.

    .venv/bin/python benchmarks/gpu_check.py [--sizes 1000000 10000000] [--json results.json]

1. For every exercise's GPU cases (``GPU_CASES`` in ``grader/exercises/<id>.py``): the reference and
   the solution notebook's function (course.yaml's ``notebook``, its set-up and solution cells run
   here) at each size, with NumPy on the CPU and with CuPy on the GPU (the GPU step the grader uses,
   ``grader.learner.core.device.run_on_device``): agreement with the reference's CPU result, whether
   the result stayed on the GPU, the time of each (the fastest of two synchronised calls), and the
   device's name.
2. The GPU part of one graded submission (perceptron's solution notebook) through the real sandbox,
   by ``NotebookGrader`` (the path of ``nbgrader autograde`` and the batch): the gpu cell's feedback
   and the time the whole grading took.

On a machine without a GPU (or without CuPy) it measures nothing: it prints why, and what the graded
gpu cell says there, and exits 0.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import nbformat

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from grader.checks.gpu import TIMEOUT_S, TOLERANCE_FACTOR, prepare, verdict  # noqa: E402
from grader.course.cells import grading_meta  # noqa: E402
from grader.course.config import Course, load_course  # noqa: E402
from grader.exercises import gpu_cases  # noqa: E402
from grader.grading.context import context_for  # noqa: E402
from grader.learner.core.compare import compare_value  # noqa: E402
from grader.learner.core.device import cupy_or_reason, device_name, run_on_device  # noqa: E402
from grader.learner.core.model import with_context  # noqa: E402
from grader.nbgrader_glue.notebook import NotebookGrader, is_test_cell, why_no_gpu  # noqa: E402
from grader.sandbox.launch import Sandbox  # noqa: E402

GRADED = "perceptron"


def solution_functions(course: Course, assignment: str) -> dict[str, Any]:
    """The solution notebook's definitions: its nbgrader code cells but the test cells, run in order."""
    from grader.release.public_data import public_file

    nb = nbformat.read(course.path(course.assignment(assignment).notebook), as_version=4)
    namespace: dict[str, Any] = {"__name__": "__main__"}
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as folder:
        # Beside the notebook, as the grader's worker has it: the released settings (gradient_descent's quartic).
        name, data = public_file(course, assignment, with_cases=False)
        if data is not None:
            Path(folder, name).write_bytes(data)
        os.chdir(folder)
        try:
            for cell in nb.cells:
                meta = grading_meta(cell)
                if cell.cell_type != "code" or is_test_cell(cell) or not (meta.solution or meta.locked):
                    continue  # the learner's own plotting cells are not needed to call the functions
                exec(compile(cell.source, f"<{assignment} {meta.grade_id or 'cell'}>", "exec"), namespace)  # noqa: S102
        finally:
            os.chdir(here)
    return namespace


def timed_cpu(fn: Any, args: tuple[Any, ...]) -> tuple[Any, float]:
    best, value = float("inf"), None
    for _ in range(2):
        start = time.perf_counter()
        value = fn(*args)
        best = min(best, time.perf_counter() - start)
    return value, best


def measure(course: Course, cupy: Any, sizes: list[int]) -> list[dict[str, Any]]:
    ctx = context_for(course, "gpu-benchmark")
    tol = ctx.tolerance.loosened(TOLERANCE_FACTOR)
    rows = []
    for assignment in (a.id for a in course.assignments):
        cases = gpu_cases(assignment)
        if not cases:
            print(f"{assignment}: no GPU cases")
            continue
        solution = solution_functions(course, assignment)
        for case in cases:
            for size in sizes:
                prepared = prepare(case, ctx, size, cupy)
                _, reference_cpu_s = timed_cpu(with_context(case.reference, ctx), prepared.args)
                fn = solution[case.function]
                cpu_value, cpu_s = timed_cpu(fn, prepared.args)
                run = run_on_device(fn, prepared.args, TIMEOUT_S)
                row = {"assignment": assignment, "function": case.function, "size": size,
                       "reference_cpu_ms": reference_cpu_s * 1000, "reference_gpu_ms": prepared.reference_s * 1000,
                       "solution_cpu_ms": cpu_s * 1000, "solution_cpu_agrees": compare_value(cpu_value, prepared.expected, tol) is None,
                       "solution_gpu_ms": run.seconds * 1000 if run.kind == "ok" else None, "gpu_kind": run.kind,
                       "solution_gpu_agrees": run.kind == "ok" and compare_value(run.value, prepared.expected, tol) is None,
                       "stayed_on_gpu": run.on_device, "line": verdict(prepared, run, ctx).strip()}
                rows.append(row)
                gpu_ms = f"{row['solution_gpu_ms']:9.2f}" if row["solution_gpu_ms"] is not None else f"{run.kind:>9s}"
                print(f"{assignment:17s} {case.function:19s} {size:>11,} | reference CPU {row['reference_cpu_ms']:9.2f} ms "
                      f"GPU {row['reference_gpu_ms']:8.2f} ms | solution CPU {row['solution_cpu_ms']:9.2f} ms "
                      f"({'agrees' if row['solution_cpu_agrees'] else 'DISAGREES'}) GPU {gpu_ms} ms "
                      f"({'agrees' if row['solution_gpu_agrees'] else 'DISAGREES'}, "
                      f"{'stayed on the GPU' if run.on_device else 'left the GPU'})")
                del prepared, cpu_value, run
                cupy.get_default_memory_pool().free_all_blocks()
    return rows


def graded_gpu_cell(course: Course) -> dict[str, Any]:
    sandbox = Sandbox.detect()
    nb = nbformat.read(course.path(course.assignment(GRADED).notebook), as_version=4)
    start = time.perf_counter()
    result = NotebookGrader(course, sandbox).grade(nb, GRADED, "gpu-benchmark")
    seconds = time.perf_counter() - start
    part = result.parts["gpu"]
    return {"sandbox": sandbox.describe(), "gpu_nodes": [inside for _, inside in sandbox.gpu],
            "why_not": why_no_gpu(sandbox), "message": part.message, "status": part.status,
            "grading_s": seconds, "total": result.total, "max_total": result.max_total}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10**6, 10**7])
    parser.add_argument("--json", type=Path, help="also write every measurement here")
    args = parser.parse_args()
    course = load_course(ROOT / "course.yaml")
    cupy, reason = cupy_or_reason()
    if cupy is None:
        print(f"Nothing measured: {reason}. This benchmark needs an NVIDIA GPU and CuPy (pip install '.[gpu]').")
        print(f"Here a graded gpu cell says: {why_no_gpu(Sandbox.detect()) or 'the GPU checks would run'}.")
        return
    print(f"device: {device_name(cupy)}; CuPy {cupy.__version__}; "
          f"CUDA runtime {cupy.cuda.runtime.runtimeGetVersion()}, driver {cupy.cuda.runtime.driverGetVersion()}")
    rows = measure(course, cupy, args.sizes)
    print(f"\nThe GPU part of one graded submission ({GRADED}'s solution notebook) through the sandbox:")
    graded = graded_gpu_cell(course)
    print(f"  {graded['sandbox']}; GPU nodes passed through: {', '.join(graded['gpu_nodes']) or 'none'}")
    print("  " + graded["message"].replace("\n", "\n  "))
    print(f"  whole grading: {graded['grading_s']:.2f} s, {graded['total']:g} of {graded['max_total']:g} points")
    if args.json:
        args.json.write_text(json.dumps({"device": device_name(cupy), "rows": rows, "graded": graded}, indent=1))


if __name__ == "__main__":
    main()
