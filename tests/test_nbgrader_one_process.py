"""nbgrader commands run by its Python API in one process release exactly what its command line does."""

from __future__ import annotations

import json

import pytest

from check_support import course
from grader.nbgrader_glue.course import CourseDirectory


def _cells(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [(c["cell_type"], c["source"], c["metadata"]) for c in nb["cells"]], nb["metadata"]


@pytest.mark.slow
def test_one_process_releases_what_the_command_line_releases(tmp_path) -> None:
    by_cli = CourseDirectory.prepare(course(), tmp_path / "cli")
    by_api = CourseDirectory.prepare(course(), tmp_path / "api")
    expected = {a: by_cli.release(a) for a in ("perceptron", "quiz_loss")}
    jobs = [(by_api, "generate_assignment", "perceptron"), (by_api, "generate_assignment", "no_such_assignment"),
            (by_api, "generate_assignment", "quiz_loss")]
    runs = CourseDirectory.in_one_process(jobs)
    assert [r.returncode for r in runs] == [0, 1, 0]
    assert "no_such_assignment" in runs[1].log, "the failing job's log names what nbgrader could not find"
    for assignment, released in expected.items():
        assert _cells(by_api.released_notebook(assignment)) == _cells(released)
        extras = sorted(p.name for p in released.parent.iterdir())
        assert sorted(p.name for p in by_api.released_notebook(assignment).parent.iterdir()) == extras


def test_no_jobs_start_no_process() -> None:
    assert CourseDirectory.in_one_process([]) == []


def test_an_unknown_command_is_refused_by_name(tmp_path) -> None:
    from grader.nbgrader_glue.api_runs import Job, run_jobs

    [result] = run_jobs([Job(str(tmp_path), "autograde", "perceptron")])
    assert not result.success and "unknown command 'autograde'" in result.log
