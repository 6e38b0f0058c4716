"""The sandboxed worker: what learner code can and cannot do there, and how the grader survives it."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from grader.learner.sandboxed.worker import forbidden_visible
from grader.sandbox.launch import SANDBOX_UIDS, Limits, Sandbox, refused_modules
from grader.sandbox.lifecycle import SandboxSeesAnswers, accept_greeting
from grader.sandbox.remote import RemoteNamespace
from grader.sandbox.session import WorkerSession

ROOT = Path(__file__).resolve().parents[1]
SANDBOX = Sandbox.detect()
needs_bwrap = pytest.mark.skipif(not SANDBOX.isolated, reason=f"no sandbox here: {SANDBOX.reason}")
LIMITS = Limits(memory_mb=1024, max_processes=16, max_file_mb=8, cpu_s=120)


def test_the_sandbox_really_runs_wherever_bubblewrap_can_be_installed() -> None:
    # CI installs bubblewrap through course.sh: a silent fall-back to no sandbox must fail here.
    if os.environ.get("CI") or shutil.which("bwrap"):
        assert SANDBOX.isolated, SANDBOX.reason
        assert "bubblewrap" in SANDBOX.describe()


def test_without_a_sandbox_grading_says_so_plainly() -> None:
    assert Sandbox("none", "bwrap missing").describe().startswith("NO SANDBOX (bwrap missing)")


def _sandbox_processes(only_uid: int | None = None) -> list[str]:
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            uid = int(next(line for line in status.read_text().splitlines() if line.startswith("Uid:")).split()[1])
        except (OSError, StopIteration, ValueError):
            continue
        if (uid == only_uid) if only_uid is not None else SANDBOX_UIDS[0] <= uid < SANDBOX_UIDS[1]:
            found.append(status.parent.name)
    return found


@pytest.fixture
def session():
    with WorkerSession(SANDBOX, LIMITS) as s:
        yield s


@needs_bwrap
def test_the_worker_sees_no_course_code_and_runs_unprivileged(session: WorkerSession) -> None:
    assert session.info["sees"] == dict.fromkeys(refused_modules(), False)
    assert SANDBOX_UIDS[0] <= session.info["uid"] < SANDBOX_UIDS[1]
    run = session.run_cell("probe", (
        "import os, glob\n"
        f"print(sorted(glob.glob({str(ROOT)!r} + '/*')))\n"
        f"print(os.path.exists({str(ROOT / 'reference' / 'perceptron.py')!r}), os.path.exists({str(ROOT / 'course.yaml')!r}))\n"
        "print([f for f in os.listdir('.') if f != '.matplotlib'])"
    ), 10)
    lines = run.stdout.splitlines()
    assert all(".venv" in p for p in eval(lines[0]))  # at most the read-only environment  # noqa: S307
    assert lines[1] == "False False"
    assert lines[2] == "[]"


def _trusted_modules() -> list[str]:
    """Every module of the checkout that knows answers or grades: all of reference/ and of grader/ but
    grader/learner/, read from the files."""
    names = []
    for top in ("grader", "reference"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = path.relative_to(ROOT).with_suffix("").parts
            if parts[:2] != ("grader", "learner") and parts != ("grader", "__init__"):
                names.append(".".join(parts[:-1] if parts[-1] == "__init__" else parts))
    return names


def test_the_worker_is_told_to_refuse_every_trusted_module_and_no_learner_one() -> None:
    refused = refused_modules()
    trusted = _trusted_modules()
    assert len(trusted) > 50  # the walk found the tree
    uncovered = [m for m in trusted if not any(m == r or m.startswith(r + ".") for r in refused)]
    assert uncovered == []
    assert not [r for r in refused if r == "grader" or r.startswith("grader.learner")]


def test_the_workers_check_sees_every_trusted_module_where_they_are_importable() -> None:
    # Here, on the trusted side, everything is importable: the check must say so for each one.
    assert forbidden_visible(list(refused_modules())) == dict.fromkeys(refused_modules(), True)
    assert forbidden_visible(["grader.learner.core.wire", "grader.no_such_module", "no_such_package.x"]) == {
        "grader.learner.core.wire": True, "grader.no_such_module": False, "no_such_package.x": False}


def test_a_greeting_that_sees_a_trusted_module_or_skipped_one_is_refused() -> None:
    clean = dict.fromkeys(refused_modules(), False)
    assert accept_greeting({"ready": True, "sees": clean}, "the grading worker", isolated=True)["sees"] == clean
    with pytest.raises(SandboxSeesAnswers, match="can import grader.exercises: refusing"):
        accept_greeting({"ready": True, "sees": {**clean, "grader.exercises": True}}, "w", isolated=True)
    with pytest.raises(SandboxSeesAnswers, match="did not say whether it can import reference"):
        accept_greeting({"ready": True, "sees": {k: v for k, v in clean.items() if k != "reference"}}, "w",
                        isolated=True)
    # Without a sandbox nothing is sealed, and grading says so elsewhere.
    assert accept_greeting({"ready": True, "sees": {}}, "w", isolated=False)


@needs_bwrap
def test_no_network(session: WorkerSession) -> None:
    run = session.run_cell("net", "import socket\nsocket.create_connection(('127.0.0.1', 22), timeout=1)", 10)
    assert run.status == "error" and run.error_type in ("ConnectionRefusedError", "OSError", "TimeoutError")


@needs_bwrap
def test_the_memory_limit_binds(session: WorkerSession) -> None:
    run = session.run_cell("bomb", "import numpy as np\nx = np.ones(2 * 1024**3 // 8)", 10)
    assert run.error_type == "MemoryError" and run.failed_to_finish


@needs_bwrap
@pytest.mark.parametrize("memory_limit_mb, fits", [(768, False), (2048, True)])
def test_course_yaml_memory_limit_mb_is_the_workers_limit(tmp_path: Path, memory_limit_mb: int, fits: bool) -> None:
    import yaml

    from grader.course.config import load_course

    data = yaml.safe_load((ROOT / "course.yaml").read_text())
    data["grading"]["memory_limit_mb"] = memory_limit_mb
    data["quizzes"] = []
    for a in data["assignments"]:
        a["notebook"] = str(ROOT / a["notebook"])
    (tmp_path / "c.yaml").write_text(yaml.safe_dump(data))
    limits = Limits.from_course(load_course(tmp_path / "c.yaml").grading)
    with WorkerSession(SANDBOX, limits) as s:
        run = s.run_cell("a_gib", "import numpy as np\nx = np.ones(1024**3 // 8)\nprint(x.nbytes)", 20)
    assert (run.status == "ok") is fits, (run.status, run.error)
    if not fits:
        assert run.error_type == "MemoryError"


@needs_bwrap
def test_a_fork_bomb_stops_at_the_process_cap(session: WorkerSession) -> None:
    run = session.run_cell("forks", (
        "import subprocess\nps = []\n"
        "try:\n    [ps.append(subprocess.Popen(['sleep', '60'])) for _ in range(200)]\n"
        "except OSError as e:\n    print(len(ps))"
    ), 20)
    assert run.status == "ok" and 0 < int(run.stdout) < LIMITS.max_processes


@needs_bwrap
def test_a_crash_costs_only_that_cell_and_earlier_definitions_survive(session: WorkerSession) -> None:
    assert session.run_cell("a", "def relu(z):\n    return max(z, 0)", 10).status == "ok"
    crashed = session.run_cell("b", "import os\nos._exit(0)", 10)
    assert crashed.status == "crashed" and "exit" in crashed.error
    segv = session.run_cell("c", "import ctypes\nctypes.string_at(0)", 10)
    assert segv.status == "crashed" and "SIGSEGV" in segv.error
    assert session.run_cell("d", "def sigmoid(z):\n    return 0.5", 10).status == "ok"
    ns = RemoteNamespace(session)
    assert ns["relu"].__wire_call__((-2.0,), {}, ("z",), 2, None).value == 0
    assert ns["sigmoid"].__wire_call__((1.0,), {}, ("z",), 2, None).value == 0.5
    assert session.restarts == 2


@needs_bwrap
def test_a_hang_that_swallows_the_interrupt_is_killed_in_time(session: WorkerSession) -> None:
    import time

    start = time.monotonic()
    run = session.run_cell("hang", (
        "import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)\nwhile True:\n    pass"
    ), 1)
    assert run.status == "crashed" and "did not finish" in run.error
    assert time.monotonic() - start < 10


@needs_bwrap
def test_a_function_that_hangs_on_call_times_out_and_the_session_goes_on(session: WorkerSession) -> None:
    session.run_cell("a", "def f(x):\n    while True:\n        try:\n            pass\n        except BaseException:\n            pass\n"
                          "def g(x):\n    return x + 1", 10)
    ns = RemoteNamespace(session)
    hung = ns["f"].__wire_call__((1,), {}, ("x",), 0.5, None)
    assert hung.kind == "timeout"
    assert ns["g"].__wire_call__((1,), {}, ("x",), 1, None).value == 2


def test_a_worker_failure_that_says_it_timed_out_is_still_a_crash(session: WorkerSession) -> None:
    # Learner code can make the worker itself fail, with words of its choosing: what kind of failure
    # it was comes from where it was seen (here: the worker's own error reply), never from the words.
    session.run_cell("a", (
        "import grader.learner.core.calls as calls\n"
        "def lie(*a, **k):\n    raise RuntimeError('it did not finish in time and did not stop when interrupted')\n"
        "calls.safe_call = lie\n"
        "def f(x):\n    return x"
    ), 10)
    result, _ = session.call("f", (1,), {}, ("x",), 2)
    assert result.kind == "crashed"
    assert result.error.startswith("grading failed: calling `f` the worker failed: RuntimeError: it did not finish")


@needs_bwrap
def test_nothing_started_inside_outlives_the_session() -> None:
    with WorkerSession(SANDBOX, LIMITS) as s:
        uid = s.info["uid"]  # drawn for this worker alone
        s.run_cell("bg", (
            "import subprocess\n"
            "subprocess.Popen(['sleep', '600'], start_new_session=True)\n"
            "subprocess.Popen(['sh', '-c', 'nohup sleep 600 &'])"
        ), 10)
        assert len(_sandbox_processes(uid)) >= 3
    assert _sandbox_processes(uid) == []


@needs_bwrap
def test_calls_return_data_with_mutations_and_generator_states(session: WorkerSession) -> None:
    session.run_cell("a", (
        "import numpy as np\n"
        "def scale(x):\n    x *= 2\n    return x\n"
        "def draw(a, rng):\n    return rng.random(a.shape) < 0.5\n"
        "def global_draw(a):\n    return np.random.random(a.shape)"
    ), 10)
    ns = RemoteNamespace(session)
    x = np.arange(3.0)
    call = ns["scale"].__wire_call__((x,), {}, ("x",), 2, None)
    assert call.mutated == ["x"] and np.array_equal(x, np.arange(3.0))  # the caller's copy is untouched
    rng, twin = np.random.default_rng(5), np.random.default_rng(5)
    got = ns["draw"].__wire_call__((np.zeros(10), rng), {}, ("a", "rng"), 2, None).value
    assert np.array_equal(got, twin.random(10) < 0.5)
    assert rng.bit_generator.state == twin.bit_generator.state  # advanced as the worker's copy did
    one = ns["global_draw"].__wire_call__((np.zeros(4),), {}, ("a",), 2, 11).value
    two = ns["global_draw"].__wire_call__((np.zeros(4),), {}, ("a",), 2, 11).value
    assert np.array_equal(one, two)


@needs_bwrap
def test_values_cross_as_data_only(session: WorkerSession) -> None:
    session.run_cell("a", "class Sneaky:\n    def __eq__(self, o):\n        return True\nanswer_q1 = Sneaky()\nanswer_q2 = '-6'", 10)
    values = session.values(["answer_q1", "answer_q2", "answer_q3"])
    assert values["answer_q2"] == "-6" and "answer_q3" not in values
    assert type(values["answer_q1"]).__name__ == "Unsupported" and not values["answer_q1"] == "a"


def test_grading_without_a_sandbox_says_so_in_every_part_and_in_the_record(tmp_path) -> None:
    import nbformat

    from grader.nbgrader_glue.notebook import NotebookGrader
    from grader.course.config import load_course

    course = load_course(ROOT / "course.yaml")
    nb = nbformat.read(course.path(course.assignment("perceptron").notebook), as_version=4)
    result = NotebookGrader(course, Sandbox("none", "bwrap is missing")).grade(nb, "perceptron", "ann")
    assert result.total == result.max_total  # the same grading, only without the wall
    assert all("NO SANDBOX (bwrap is missing)" in p.message for p in result.parts.values())
    assert nb.metadata["dlcourse"]["sandbox"].startswith("NO SANDBOX")
