"""How long `dlcourse report` takes for a large class: 1,000 learners × the course's 10 assignments.

    .venv/bin/python benchmarks/report_speed.py [--learners N] [--repeat N]

Writes a synthetic gradebook.csv (``grader.report.synthetic``: every part of the five exercises
and five quizzes, passes and failures with partial points and diagnosed mistakes, 8 % of the work
missing, the 0-point gpu cells), then times the whole report as the command runs it (read the CSV,
summarise, draw ten histograms, write the page) against the target of 10 s. For scale it also times
a named baseline in the same run: pandas ``DataFrame.to_html`` of the same part-level table (no
figures, no summaries, no interactivity), so the ratio says what the report costs beyond writing
the table once.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")

import pandas as pd  # noqa: E402

from grader.course.config import load_course  # noqa: E402
from grader.report import write_report  # noqa: E402
from grader.report.synthetic import course_gradebook  # noqa: E402

TARGET_S = 10.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    course = load_course(ROOT / "course.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        book = folder / "gradebook.csv"
        made = time.perf_counter()
        table = course_gradebook(course, args.learners, seed=1)
        table.to_csv(book, index=False)
        made = time.perf_counter() - made
        assignments = table.assignment.nunique()
        print(f"gradebook: {args.learners} learners × {assignments} assignments, {len(table):,} part rows "
              f"({book.stat().st_size / 1e6:.1f} MB CSV, made in {made:.1f} s)")
        report_s, baseline_s = [], []
        for i in range(args.repeat):
            out = folder / f"report-{i}.html"
            start = time.perf_counter()
            write_report(course, folder / "no-course-folder", out, book)
            report_s.append(time.perf_counter() - start)
            # The baseline reads the same file and writes the same rows as one static HTML table.
            start = time.perf_counter()
            pd.read_csv(book).to_html(folder / f"baseline-{i}.html", index=False)
            baseline_s.append(time.perf_counter() - start)
        size = (folder / "report-0.html").stat().st_size / 1e6
    report, baseline = statistics.median(report_s), statistics.median(baseline_s)
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"pandas {pd.__version__}; median of {args.repeat}")
    print(f"  dlcourse report     {report:6.2f} s  (page {size:.1f} MB; target {TARGET_S:g} s: "
          f"{'met' if report <= TARGET_S else 'MISSED'})")
    print(f"  baseline to_html    {baseline:6.2f} s  (pandas DataFrame.to_html of the part-level table)")
    print(f"  ratio               {report / baseline:6.1f} × the baseline")


if __name__ == "__main__":
    main()
