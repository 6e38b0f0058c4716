"""How fast `dlcourse grade` grades a batch, against nbgrader autograde, in one run on one machine.

    .venv/bin/python benchmarks/batch_speed.py [--submissions 50] [--large 1000] [--ten-thousand]
                                               [--skip-stock] [--skip-nbgrader] [--skip-run]

Every figure is measured here, in this run:

1. ``--submissions`` notebooks (default 50) made from the test corpus and the quizzes: correct and
   wrong work, all five exercises and all five quizzes (``tests/submission_factory.py``), laid out
   as nbgrader's submitted/ tree of a released course folder.
2. ``dlcourse grade`` of that tree, the whole command as a shell runs it (start-up included).
3. The baselines:
   * stock ``nbgrader autograde``, as an instructor would use instead: a notebook of five NumPy
     functions with plain ``assert`` test cells (``benchmarks/stock_baseline.py``), as many
     submissions, right and wrong, its own ``Execute`` (a Jupyter kernel per submission). Its time
     per submission is the baseline of every ratio; at ``--large`` and 10,000 submissions it is that
     same per-submission time (stock nbgrader grades one submission after another, one kernel each);
   * ``nbgrader autograde`` as this course configures it (``SandboxedGrading``, one sandbox per
     submission), on exactly the notebooks of 1; its scores must equal the batch's, part by part.
4. A cold single ``dlcourse grade NOTEBOOK --json`` (median of 5), the whole command.
5. ``--large`` submissions (default 1,000; copies of the first set under new learner ids) and, with
   ``--ten-thousand``, 10,000 (1,000 learners x 10; extrapolated from the rate without it): the time
   and the grader process's peak memory (sampled with psutil every 20 ms) at each size.
6. The 100-submission batch on a 2-worker Dask ``LocalCluster`` against the local pool.
7. ``dlcourse run`` on the bundled course (the venv present): validate, release, demo, gradebook.
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
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(Path(__file__).resolve().parent)]
os.environ.setdefault("MPLBACKEND", "Agg")

import nbformat  # noqa: E402
import psutil  # noqa: E402

import stock_baseline  # noqa: E402

from grader.course.config import load_course  # noqa: E402
from grader.nbgrader_glue.course import CourseDirectory  # noqa: E402
from submission_factory import make_submissions  # noqa: E402

TARGETS = {"ratio_small": 30.0, "ratio_large": 60.0, "single_s": 0.3, "ten_thousand_s": 300.0, "run_s": 60.0}
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


def git_commit() -> str:
    run = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return run.stdout.strip() or "unknown"


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


def stock_nbgrader(folder: Path, count: int) -> float:
    """Stock nbgrader (its default Execute, a kernel per notebook) on ``count`` submissions of the
    five-function assert notebook; the seconds its ``autograde`` took, and its scores checked."""
    folder.mkdir()
    (folder / "nbgrader_config.py").write_text(STOCK_CONFIG.format(root=str(folder)))
    a = stock_baseline.ASSIGNMENT
    (folder / "source" / a).mkdir(parents=True)
    nbformat.write(stock_baseline.source_notebook(), folder / "source" / a / f"{a}.ipynb")
    subprocess.run([sys.executable, "-m", "nbgrader", "generate_assignment", a, "--force"], cwd=folder,
                   env=_env(), capture_output=True, check=True)
    for i in range(count):
        dest = folder / "submitted" / f"learner-{i:05d}" / a
        dest.mkdir(parents=True)
        nbformat.write(stock_baseline.submission(i), dest / f"{a}.ipynb")
        (dest / "timestamp.txt").write_text("2026-11-30 12:00:00.000000 UTC")
    start = time.perf_counter()
    run = subprocess.run([sys.executable, "-m", "nbgrader", "autograde", a, "--force"], cwd=folder, env=_env(),
                         capture_output=True, text=True)
    seconds = time.perf_counter() - start
    graded = len(list((folder / "autograded").glob(f"*/{a}/{a}.ipynb")))
    if run.returncode != 0 or graded != count:
        print(run.stdout[-2000:] + run.stderr[-2000:], file=sys.stderr)
        raise SystemExit(f"stock nbgrader graded {graded} of {count} submissions")
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gb:
        scores = [gb.find_submission(a, f"learner-{i:05d}").score for i in range(count)]
    full = 2.0 * len(stock_baseline.PARTS)
    wrong = [i for i, score in enumerate(scores) if score != (full if i % 2 == 0 else full - 2.0)]
    if wrong:
        raise SystemExit(f"stock nbgrader's scores are not the baseline's: learners {wrong[:5]} ({scores[:6]})")
    return seconds


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


def measure(label: str, command: list[str]) -> tuple[float, int]:
    seconds, code, peak = run_measured(command)
    if code != 0:
        raise SystemExit(f"{label}: exit {code}")
    return seconds, peak


def verdict(met: bool) -> str:
    return "met" if met else "NOT met"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=50)
    parser.add_argument("--large", type=int, default=1000)
    parser.add_argument("--ten-thousand", action="store_true", help="grade 10,000 too (else extrapolated)")
    parser.add_argument("--skip-stock", action="store_true", help="leave out stock nbgrader (no ratios then)")
    parser.add_argument("--skip-nbgrader", action="store_true", help="leave out this course's nbgrader autograde")
    parser.add_argument("--skip-run", action="store_true", help="leave out `dlcourse run` on the bundled course")
    args = parser.parse_args()
    course = load_course(ROOT / "course.yaml")
    lines: list[str] = [f"Machine: {machine()}", f"Code: {git_commit()}"]

    def say(text: str) -> None:
        print(text, flush=True)
        lines.append(text)

    def grade(tree: Path, out: Path) -> tuple[float, int]:
        return measure("dlcourse grade", grade_command(str(tree), "--course", str(course.file), "--out", str(out)))

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        print("Releasing the course with nbgrader ...", flush=True)
        cdir = CourseDirectory.prepare(course, tmp_path / "course")
        jobs = [(cdir, "generate_assignment", a) for a in cdir.assignment_ids]
        if any(r.returncode for r in CourseDirectory.in_one_process(jobs)):
            raise SystemExit("the course did not release")
        made = make_submissions(course, cdir.root / "submitted", args.submissions)
        n = len(made)
        wrong = sum(not m.expect_full for m in made)
        say(f"{n} submissions ({n - wrong} correct, {wrong} with mistakes) over "
            f"{len({m.assignment for m in made})} assignments")

        print("dlcourse grade ...", flush=True)
        out = tmp_path / "dlcourse"
        t_ours, peak_small = grade(cdir.root / "submitted", out)
        say(f"dlcourse grade: {t_ours:.1f} s for {n}, {t_ours / n * 1000:.0f} ms per submission (whole command); "
            f"grader process peak RSS {peak_small / 2**20:.0f} MiB")

        stock_per = None
        if not args.skip_stock:
            print("stock nbgrader autograde (assert tests, a kernel each) ...", flush=True)
            t_stock = stock_nbgrader(tmp_path / "stock", n)
            stock_per = t_stock / n
            ratio = t_stock / t_ours
            say(f"stock nbgrader autograde, five-function notebook with assert tests: {t_stock:.1f} s for {n}, "
                f"{stock_per * 1000:.0f} ms per submission")
            say(f"  ratio at {n}: dlcourse grade {ratio:.1f}x faster per submission, start-up included "
                f"(target {TARGETS['ratio_small']:g}x: {verdict(ratio >= TARGETS['ratio_small'])})")
        if not args.skip_nbgrader:
            print("nbgrader autograde (this course's SandboxedGrading) ...", flush=True)
            t_nbgrader = nbgrader_autograde(cdir, sorted({m.assignment for m in made}))
            theirs = {(r.student, r.assignment, r.part): float(r.score) for r in cdir.gradebook().itertuples()}
            ours = scores_of_results(out)
            disagree = [k for k in ours if theirs.get(k) != ours[k]]
            say(f"nbgrader autograde with this course's SandboxedGrading (a sandbox per submission): "
                f"{t_nbgrader:.1f} s, {t_nbgrader / n * 1000:.0f} ms per submission; dlcourse grade "
                f"{t_nbgrader / t_ours:.1f}x faster")
            say(f"  scores: {len(ours)} part grades, {len(ours) - len(disagree)} equal to nbgrader's, "
                f"{len(disagree)} different {disagree[:5] if disagree else ''}")

        single = course.path(course.assignment("backprop").notebook)
        times = []
        for _ in range(5):
            start = time.perf_counter()
            subprocess.run(grade_command(str(single), "--course", str(course.file), "--json"), env=_env(),
                           capture_output=True, check=True)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        say(f"cold single `dlcourse grade NOTEBOOK --json` (backprop): median {median:.2f} s "
            f"(min {min(times):.2f}, max {max(times):.2f}; target {TARGETS['single_s']} s: "
            f"{verdict(median <= TARGETS['single_s'])})")

        large = tmp_path / "large"
        copies(cdir.root / "submitted", large, args.large)
        t_large, peak_large = grade(large, tmp_path / "out-large")
        rate = args.large / t_large
        say(f"{args.large} submissions: {t_large:.1f} s, {t_large / args.large * 1000:.0f} ms per submission; "
            f"grader process peak RSS {peak_large / 2**20:.0f} MiB (at {n}: {peak_small / 2**20:.0f} MiB)")
        if stock_per is not None:
            ratio = stock_per * args.large / t_large
            say(f"  ratio at {args.large}: {ratio:.1f}x stock nbgrader's per-submission time "
                f"(target {TARGETS['ratio_large']:g}x: {verdict(ratio >= TARGETS['ratio_large'])})")
        if args.ten_thousand:
            big = tmp_path / "ten-thousand"
            copies(cdir.root / "submitted", big, 10_000)
            t10k, peak10k = grade(big, tmp_path / "out-10k")
            shutil.rmtree(big, ignore_errors=True)
            say(f"10000 submissions: {t10k:.0f} s, peak RSS {peak10k / 2**20:.0f} MiB "
                f"(target {TARGETS['ten_thousand_s']:g} s: {verdict(t10k <= TARGETS['ten_thousand_s'])})")
        else:
            t10k = 10_000 / rate
            say(f"10000 submissions, extrapolated from that rate: {t10k:.0f} s "
                f"(target {TARGETS['ten_thousand_s']:g} s: {verdict(t10k <= TARGETS['ten_thousand_s'])})")

        hundred = tmp_path / "hundred"
        copies(cdir.root / "submitted", hundred, 100)
        t100, _ = grade(hundred, tmp_path / "out100")
        t_dask, _ = measure("dask", grade_command(str(hundred), "--course", str(course.file), "--out",
                                                 str(tmp_path / "out-dask"), "--dask", "local", "--workers", "2"))
        same = scores_of_results(tmp_path / "out-dask") == scores_of_results(tmp_path / "out100")
        say(f"100 submissions on a 2-worker Dask LocalCluster: {t_dask:.1f} s against {t100:.1f} s "
            f"in one process with its own pool: {t100 / t_dask:.2f}x; results identical: {same}")

        if not args.skip_run:
            t_run, _ = measure("dlcourse run", [sys.executable, "-m", "grader.cli.entry", "run", str(course.file),
                                                "--work", str(tmp_path / "run-work"),
                                                "--demo-work", str(tmp_path / "run-demo")])
            say(f"`dlcourse run` on the bundled course (venv present): {t_run:.1f} s "
                f"(target {TARGETS['run_s']:g} s: {verdict(t_run <= TARGETS['run_s'])})")
    print("\n".join(["", "Summary", *lines]))


if __name__ == "__main__":
    main()
