"""Grading on submit under load: 100 learners submit within one minute; how soon is each feedback fetchable?

    PYTHONPATH=. .venv/bin/python benchmarks/serve_latency.py [--learners 100] [--minutes 1] [--workers 2]

A course with its own exchange in a temporary folder (the five exercises, released with
``nbgrader generate_assignment`` and ``release_assignment``); ``dlcourse serve`` runs as its own
process, as in production. Each learner's submission (a corpus notebook: right or with a known
mistake) is copied into inbound at a random moment of the minute, with nbgrader's own naming,
timestamp.txt and submission_secret.txt. The latency is from that moment to the moment the graded
page is where ``nbgrader fetch_feedback`` finds it (polled every 10 ms). Memory: the service
process's peak resident set, and the peak of the service with its sandboxes (RSS summed, so shared
pages count twice: an upper bound).

Targets on 2 cores: p50 <= 2 s, p95 <= 5 s. A benchmark, not a test: it prints, it does not assert.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import psutil  # noqa: E402

from corpus_support import build_notebook, corpus  # noqa: E402
from serve_support import drop, released_page, served_course  # noqa: E402

EXERCISES = ("perceptron", "bce", "backprop", "gradient_descent", "dropout")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=1.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=19)
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (the service's log is serve.log)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    folder = Path(tempfile.mkdtemp(prefix="serve-bench-"))
    try:
        run(args, rng, folder)
    finally:
        if args.keep:
            print(f"kept: {folder} (the service's log: {folder / 'serve.log'})")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    return 0


def run(args: argparse.Namespace, rng: random.Random, folder: Path) -> None:
    print(f"Releasing {', '.join(EXERCISES)} into a temporary exchange ...", flush=True)
    served = served_course(folder, EXERCISES)
    notebooks = []
    for number in range(args.learners):
        assignment = EXERCISES[number % len(EXERCISES)]
        sub = rng.choice(corpus(assignment))
        source = served.course.path(served.course.assignment(assignment).notebook)
        release = served.cdir.root / "release" / assignment / f"{assignment}.ipynb"
        notebooks.append((f"learner-{number:03d}", assignment, build_notebook(sub, source, release)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    log = (folder / "serve.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "grader.cli.entry", "serve", str(served.course_file), "--work",
                             str(served.cdir.root), "--workers", str(args.workers)],
                            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    health = served.cdir.root / "dlcourse-serve" / "health.json"
    while not health.exists():
        time.sleep(0.1)
    time.sleep(2)  # the sandboxes' start-up is not what a learner waits for
    peak = {"service": 0, "tree": 0}
    done = threading.Event()

    def sample() -> None:
        me = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                own = me.memory_info().rss
                tree = own + sum(c.memory_info().rss for c in me.children(recursive=True))
            except psutil.Error:
                break
            peak["service"], peak["tree"] = max(peak["service"], own), max(peak["tree"], tree)
            time.sleep(0.1)

    threading.Thread(target=sample, daemon=True).start()
    start = time.time()
    moments = sorted(rng.uniform(0, args.minutes * 60) for _ in notebooks)
    waiting: dict[Path, float] = {}
    latencies: list[float] = []
    for moment, (student, assignment, nb) in zip(moments, notebooks):
        while time.time() < start + moment:
            _poll(waiting, latencies)
            time.sleep(0.01)
        submitted = time.time()
        _, secret = drop(served, student, assignment, nb)
        waiting[released_page(served, assignment, secret)] = submitted
    deadline = time.time() + 300
    while waiting and time.time() < deadline:
        _poll(waiting, latencies)
        time.sleep(0.01)
    done.set()
    proc.terminate()
    proc.wait(timeout=120)
    log.close()
    lat = sorted(latencies)
    cpu = platform.processor() or platform.machine()
    print(f"\n{len(lat)} of {len(notebooks)} learners' feedback fetchable ({len(waiting)} never), "
          f"{args.workers} warm sandboxes, {os.cpu_count()} CPUs ({cpu}), Python {platform.python_version()}")
    if lat:
        p50 = statistics.median(lat)
        p95 = lat[min(len(lat) - 1, int(round(0.95 * len(lat))) - 1)]
        print(f"latency from submission to fetchable feedback: p50 {p50:.2f} s, p95 {p95:.2f} s, "
              f"max {lat[-1]:.2f} s  (targets: p50 <= 2 s, p95 <= 5 s)")
    print(f"peak memory: the service process {peak['service'] / 2**20:.0f} MiB; with its sandboxes "
          f"{peak['tree'] / 2**20:.0f} MiB (RSS summed)")


def _poll(waiting: dict[Path, float], latencies: list[float]) -> None:
    for page, submitted in list(waiting.items()):
        if page.exists() and b"Score:" in page.read_bytes():
            latencies.append(time.time() - submitted)
            del waiting[page]


if __name__ == "__main__":
    sys.exit(main())
