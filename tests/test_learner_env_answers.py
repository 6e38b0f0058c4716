"""No answer ships to learners: every public function of the installed learner environment, tried as
every graded function on the reference's fixed cases with the normal judge, earns nothing.

A module of the learner package that computed a graded function (a sigmoid with the stability trick,
say) would earn that part's points here, whatever its name: the test judges behaviour, not imports.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest


pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]

#: Lists every public callable defined in the learner package, as ``module:qualname`` (methods of its
#: classes too), importing every module of it. Run by the learner environment's own Python.
LIST_CANDIDATES = textwrap.dedent("""\
    import importlib, inspect, json, pkgutil, sys
    import grader.learner as package

    found, unimportable = [], []
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        try:
            module = importlib.import_module(info.name)
        except BaseException as exc:
            unimportable.append(f"{info.name}: {type(exc).__name__}: {exc}")
            continue
        for name, value in sorted(vars(module).items()):
            if name.startswith("_") or not callable(value) or getattr(value, "__module__", None) != module.__name__:
                continue
            found.append(f"{module.__name__}:{name}")
            if inspect.isclass(value):
                found += [f"{module.__name__}:{name}.{attr}" for attr in sorted(vars(value))
                          if not attr.startswith("_") and callable(getattr(value, attr, None))]
    print(json.dumps({"found": found, "unimportable": unimportable, "file": package.__file__}))
    """)

#: Judges each candidate as each graded function, in a process of its own (a candidate may touch its
#: process: the worker's ``private_channels`` rewires descriptors 0-2), and writes what earned points.
JUDGE = textwrap.dedent("""\
    import importlib, json, sys
    import numpy as np
    from grader.exercises import CHECKS
    from grader.grading.context import context_for
    from grader.grading.runner import run_check
    from grader.course.config import load_course

    candidates = json.loads(sys.stdin.read())
    course = load_course(sys.argv[1])
    ctx = context_for(course, "public", randomized=False)
    points = {(a.id, p.id): p.points for a in course.assignments for p in a.parts}
    earned = []
    for ref in candidates:
        module_name, qualname = ref.split(":")
        value = importlib.import_module(module_name)
        for part in qualname.split("."):
            value = getattr(value, part)
        # Called from a function of the learner's own, as a learner would borrow it: the judge refuses a
        # function whose module is the course's, so the name alone must not be what keeps it out.
        learner_globals = {"__name__": "__main__", "borrowed": value}
        exec("def call(*args, **kwargs):\\n    return borrowed(*args, **kwargs)", learner_globals)
        for (assignment, part), check in sorted(CHECKS.items()):
            namespace = {check.function: learner_globals["call"]}
            with np.errstate(all="ignore"):
                result = run_check(check, namespace, ctx, points[(assignment, part)])
            if result.points > 0:
                earned.append(f"{ref} as {assignment}/{part} ({check.function}): {result.points:g} points")
    with open(sys.argv[2], "w") as out:
        json.dump(earned, out)
    """)


@pytest.fixture(scope="module")
def env_python(learner_env_python: Path) -> Path:
    # The one environment of the run (conftest.py), the one test_learner_env.py runs the notebooks in.
    return learner_env_python


def _candidates(python: Path, cwd: Path) -> dict:
    done = subprocess.run([str(python), "-c", LIST_CANDIDATES], cwd=cwd, capture_output=True, text=True,
                          timeout=300, env={"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(cwd),
                                            "MPLBACKEND": "Agg"})
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_no_function_of_the_learner_environment_earns_a_point_as_any_graded_function(
        env_python: Path, tmp_path: Path) -> None:
    installed = _candidates(env_python, tmp_path)
    assert installed["unimportable"] == []
    assert "site-packages" in installed["file"]  # the installed copy, not this checkout
    # What is judged is the code as installed: the checkout's learner package lists the same callables.
    here = _candidates(Path(sys.executable), ROOT)
    assert here["found"] == installed["found"] and len(installed["found"]) > 50
    earned = tmp_path / "earned.json"
    done = subprocess.run([sys.executable, "-c", JUDGE, str(ROOT / "course.yaml"), str(earned)],
                          input=json.dumps(installed["found"]),
                          cwd=tmp_path, capture_output=True, text=True, timeout=1200,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": str(ROOT),
                               "MPLBACKEND": "Agg"})
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads(earned.read_text()) == []
