"""How fast `dlcourse grade` grades a batch, against nbgrader autograde on the same notebooks.

    .venv/bin/python benchmarks/batch_speed.py [--submissions 60] [--large 1000] [--ten-thousand]
                                               [--skip-stock]

One run, one machine, every figure measured here:

1. ``--submissions`` notebooks (default 60) made from the test corpus and the quizzes: correct and
   wrong work, all five exercises and all five quizzes (``tests/submission_factory.py``), laid out
   as nbgrader's submitted/ tree of a released course folder.
2. The baselines, on exactly those notebooks:
   * ``nbgrader autograde`` as this course configures it (``SandboxedGrading``, one sandbox per
     submission; the path `dlcourse run` takes), one call per assignment, as an instructor runs it;
   * stock ``nbgrader autograde`` (its own ``Execute``: a Jupyter kernel per submission, nothing
     sandboxed), for its time only: it runs the learners' self-check cells, so its scores are not this
     course's grades and are not compared.
3. ``dlcourse grade`` (warm sandboxes, one fork per submission) on the same tree; its scores must
   equal the first baseline's, part by part.
4. A cold single ``dlcourse grade NOTEBOOK --json`` (median of 5), the whole command as a shell runs it.
5. ``--large`` submissions (default 1,000; copies of the first set under new learner ids): the
   rate, and the grader process's peak memory at 100 and at ``--large`` (sampled with psutil).
   ``--ten-thousand`` also grades 10,000; without it the 10,000 time is extrapolated from the rate.
6. The 100-submission batch on a 2-worker Dask ``LocalCluster`` against the local pool.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]
os.environ.setdefault("MPLBACKEND", "Agg")

import psutil  # noqa: E402

from grader.course.config import load_course  # noqa: E402
from grader.nbgrader_glue.course import CourseDirectory  # noqa: E402
from submission_factory import make_submissions  # noqa: E402

TARGET_RATIO = 30.0
TARGET_SINGLE_S = 0.5
TARGET_10K_S = 600.0
STOCK_CONFIG = """c = get_config()
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "stock"
c.Execute.timeout = 60
"""


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    env["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), env.get("PATH", "")))
    return env


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = psutil.virtual_memory().total / 2**30
    return f"{os.cpu_count()} CPU(s) ({cpu}), {memory:.0f} GiB, Python {platform.python_version()}, {platform.system()}"


def grade_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "grader.cli.entry", "grade", *args]


def run_measured(command: list[str], cwd: Path | None = None) -> tuple[float, int, int]:
    """(seconds, exit code, peak RSS in bytes of the process itself, sampled every 20 ms)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, cwd=cwd, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    watched = psutil.Process(proc.pid)
    while proc.poll() is None:
        try:
            peak = max(peak, watched.memory_info().rss)
        except psutil.Error:
            pass
        time.sleep(0.02)
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        print(proc.stderr.read().decode()[-2000:], file=sys.stderr)
    return seconds, proc.returncode, peak


def nbgrader_autograde(cdir: CourseDirectory, assignments: list[str]) -> float:
    start = time.perf_counter()
    for a in assignments:
        run = cdir.autograde(a, force=True)
        if run.returncode != 0:
            print(run.log[-2000:], file=sys.stderr)
    return time.perf_counter() - start


def stock_nbgrader(course: object, submitted: Path, assignments: list[str], folder: Path) -> float:
    """Stock nbgrader (its default Execute, a kernel per notebook) on the same notebooks; timing only."""
    folder.mkdir()
    (folder / "nbgrader_config.py").write_text(STOCK_CONFIG.format(root=str(folder)))
    for a in assignments:
        source = folder / "source" / a
        source.mkdir(parents=True)
        shutil.copy2(next((submitted.parent / "source" / a).glob("*.ipynb")), source / f"{a}.ipynb")
        for extra in (submitted.parent / "source" / a).iterdir():
            if extra.suffix != ".ipynb":
                shutil.copy2(extra, source / extra.name)
        subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", a, "--force"], cwd=folder,
                       env=_env(), capture_output=True, check=True)
    shutil.copytree(submitted, folder / "submitted")
    start = time.perf_counter()
    for a in assignments:
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", a, "--force"], cwd=folder, env=_env(),
                       capture_output=True)
    return time.perf_counter() - start


def scores_of_results(out: Path) -> dict[tuple[str, str, str], float]:
    scores = {}
    for path in (out / "dlcourse-results").glob("*/*.json"):
        doc = json.loads(path.read_text())
        for part, info in doc["parts"].items():
            scores[(doc["student"], doc["assignment"], part)] = float(info["points"])
    return scores


def copies(first: Path, dest: Path, count: int) -> int:
    """``count`` submissions under ``dest``: the first set's notebooks again, as a class would hand them
    in: learner k gets the k-th copy of each assignment, so 10,000 submissions are 1,000 learners × 10."""
    originals = sorted(p for p in first.glob("*/*") if p.is_dir())
    handed_in: dict[str, int] = {}
    for i in range(count):
        src = originals[i % len(originals)]
        k = handed_in[src.name] = handed_in.get(src.name, -1) + 1
        shutil.copytree(src, dest / f"learner-{k:06d}" / src.name)
    return count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=60)
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--ten-thousand", action="store_true", help="grade 10,000 too (else extrapolated)")
    parser.add_argument("--skip-stock", action="store_true", help="leave out stock nbgrader (its kernels are slow)")
    args = parser.parse_args()
    course = load_course(ROOT / "course.yaml")
    lines: list[str] = [f"Machine: {machine()}"]

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        print("Releasing the course with nbgrader ...", flush=True)
        cdir = CourseDirectory.prepare(course, tmp_path / "course")
        for a in cdir.assignment_ids:
            cdir.release(a)
        made = make_submissions(course, cdir.root / "submitted", args.submissions)
        assignments = sorted({m.assignment for m in made})
        n = len(made)
        wrong = sum(not m.expect_full for m in made)
        say(f"{n} submissions ({n - wrong} correct, {wrong} with mistakes) over {len(assignments)} assignments")

        print("nbgrader autograde (this course's configuration) ...", flush=True)
        t_nbgrader = nbgrader_autograde(cdir, assignments)
        theirs = cdir.gradebook()
        theirs = {(r.student, r.assignment, r.part): float(r.score) for r in theirs.itertuples()}

        print("dlcourse grade ...", flush=True)
        out = tmp_path / "dlcourse"
        t_ours, code, _ = run_measured(grade_command(str(cdir.root / "submitted"), "--course", str(course.file),
                                                     "--out", str(out)))
        ours = scores_of_results(out)
        disagree = [k for k in ours if theirs.get(k) != ours[k]]
        say(f"nbgrader autograde (this course's SandboxedGrading): {t_nbgrader / n:.3f} s per submission "
            f"({t_nbgrader:.1f} s)")
        t_stock = None
        if not args.skip_stock:
            print("stock nbgrader autograde (kernels) ...", flush=True)
            t_stock = stock_nbgrader(course, cdir.root / "submitted", assignments, tmp_path / "stock")
            say(f"stock nbgrader autograde (Execute, a kernel each; timing only): {t_stock / n:.3f} s per submission "
                f"({t_stock:.1f} s)")
        say(f"dlcourse grade (exit {code}): {t_ours / n:.4f} s per submission ({t_ours:.1f} s, whole command)")
        say(f"  scores: {len(ours)} part grades, {len(ours) - len(disagree)} equal to nbgrader's, "
            f"{len(disagree)} different {disagree[:5] if disagree else ''}")
        say(f"  ratio: {t_nbgrader / t_ours:.1f}x faster than this course's nbgrader autograde"
            + (f", {t_stock / t_ours:.1f}x faster than stock nbgrader" if t_stock else "")
            + f" (target {TARGET_RATIO:g}x)")

        single = course.path(course.assignment("backprop").notebook)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run(grade_command(str(single), "--course", str(course.file), "--json"), env=_env(),
                           capture_output=True, check=True)
            times.append(time.perf_counter() - start)
        say(f"cold single `dlcourse grade NOTEBOOK --json`: median {statistics.median(times):.2f} s "
            f"(min {min(times):.2f}, max {max(times):.2f}; target {TARGET_SINGLE_S} s)")

        hundred = tmp_path / "hundred"
        copies(cdir.root / "submitted", hundred, 100)
        t100, _, peak100 = run_measured(grade_command(str(hundred), "--course", str(course.file),
                                                      "--out", str(tmp_path / "out100")))
        large = tmp_path / "large"
        copies(cdir.root / "submitted", large, args.large)
        t_large, _, peak_large = run_measured(grade_command(str(large), "--course", str(course.file),
                                                            "--out", str(tmp_path / "out-large")))
        rate = args.large / t_large
        say(f"{args.large} submissions: {t_large:.1f} s, {rate:.1f} per second; grader process peak RSS "
            f"{peak100 / 2**20:.0f} MiB at 100, {peak_large / 2**20:.0f} MiB at {args.large}")
        if args.ten_thousand:
            big = tmp_path / "ten-thousand"
            copies(cdir.root / "submitted", big, 10_000)
            t10k, _, peak10k = run_measured(grade_command(str(big), "--course", str(course.file),
                                                          "--out", str(tmp_path / "out-10k")))
            say(f"10000 submissions: {t10k:.0f} s, peak RSS {peak10k / 2**20:.0f} MiB (target {TARGET_10K_S:g} s)")
        else:
            say(f"10000 submissions, extrapolated from that rate: {10_000 / rate:.0f} s (target {TARGET_10K_S:g} s)")

        t_dask, code, _ = run_measured(grade_command(str(hundred), "--course", str(course.file), "--out",
                                                     str(tmp_path / "out-dask"), "--dask", "local", "--workers", "2"))
        same = scores_of_results(tmp_path / "out-dask") == scores_of_results(tmp_path / "out100")
        say(f"100 submissions on a 2-worker Dask LocalCluster: {t_dask:.1f} s (exit {code}) against {t100:.1f} s "
            f"in one process with its own pool: {t100 / t_dask:.2f}x; results identical: {same}")
    print("\n".join(["", "Summary", *lines]))


if __name__ == "__main__":
    main()
