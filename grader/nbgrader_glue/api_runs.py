"""Several nbgrader commands in one process, through nbgrader's own Python API (``NbGraderAPI``).

``nbgrader generate_assignment A`` on the command line is one process per assignment: about two
seconds each of which most is nbgrader starting up, twenty for a course of ten, twice over for the
course and its demo folder. ``NbGraderAPI`` (what formgrader calls) runs the very same apps
(``GenerateAssignment``, ``GenerateFeedback``) with the folder's ``nbgrader_config.py``; here one
process runs every job it is handed and answers, job by job, whether nbgrader succeeded and its log.

    python -m grader.nbgrader_glue.api_runs   < jobs.json   (see ``run_jobs``)
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from typing import Any

#: The NbGraderAPI methods a job may name, each called as ``method(assignment_id, force=True)``.
COMMANDS = ("generate_assignment", "generate_feedback")


@dataclass(frozen=True)
class Job:
    """One nbgrader command in one course folder: ``command`` for ``assignment``."""

    root: str
    command: str
    assignment: str


@dataclass(frozen=True)
class JobResult:
    job: Job
    success: bool
    log: str


def _api_for(root: str) -> Any:
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    config = PyFileConfigLoader("nbgrader_config.py", path=root).load_config()
    return NbGraderAPI(config=config)


def run_jobs(jobs: list[Job]) -> list[JobResult]:
    """Each job in order, in this process; one job's failure never stops the next."""
    apis: dict[str, Any] = {}
    results = []
    here = os.getcwd()
    for job in jobs:
        if job.command not in COMMANDS:
            results.append(JobResult(job, False, f"unknown command {job.command!r} (known: {', '.join(COMMANDS)})"))
            continue
        try:
            os.chdir(job.root)  # as the command line runs it: nbgrader resolves some paths from here
            api = apis.get(job.root) or apis.setdefault(job.root, _api_for(job.root))
            outcome = getattr(api, job.command)(job.assignment, force=True)
            log = "\n".join(x for x in (outcome.get("log", ""), outcome.get("error", "")) if x)
            results.append(JobResult(job, bool(outcome.get("success")), log))
        except Exception as exc:  # noqa: BLE001 - reported as this job's failure, the next still runs
            results.append(JobResult(job, False, f"{type(exc).__name__}: {exc}"))
        finally:
            os.chdir(here)
    return results


def main() -> int:
    from grader.nbgrader_glue.library import skip_unused_format_checkers

    skip_unused_format_checkers()  # as every dlcourse command: nbgrader's apps are imported whole here
    jobs = [Job(**j) for j in json.load(sys.stdin)]
    results = run_jobs(jobs)
    json.dump([{"success": r.success, "log": r.log} for r in results], sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
