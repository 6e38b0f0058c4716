"""The wall in the layout: what runs next to learner code imports nothing that knows an answer."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LEARNER = ROOT / "grader" / "learner"
#: Third-party packages the learner side may use; everything else must be the standard library.
#: CuPy only where a GPU check runs (grader/learner/core/device.py, imported there lazily; optional).
ALLOWED_THIRD_PARTY = {"numpy", "matplotlib", "IPython", "cupy"}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found |= {f"{node.module}.{alias.name}" for alias in node.names if node.module == "grader"}
    return found


def test_learner_side_imports_only_itself_numpy_and_the_standard_library() -> None:
    offenders = []
    for path in sorted(LEARNER.rglob("*.py")):
        for name in _imports(path):
            top = name.split(".")[0]
            if top == "grader":
                if name != "grader" and not name.startswith("grader.learner"):
                    offenders.append(f"{path.relative_to(ROOT)} imports {name}")
            elif top not in ALLOWED_THIRD_PARTY and top not in sys.stdlib_module_names and top != "__future__":
                offenders.append(f"{path.relative_to(ROOT)} imports {name}")
    assert offenders == []


def test_the_grader_package_root_holds_no_code() -> None:
    # grader/__init__.py is visible inside the sandbox (it makes grader.learner importable).
    tree = ast.parse((ROOT / "grader" / "__init__.py").read_text(encoding="utf-8"))
    assert all(isinstance(n, ast.Expr) and isinstance(n.value, ast.Constant) for n in tree.body)


#: The GPU cases' size where no GPU grades them: their arrays are still built by their own code, at a size
#: where every shape they derive from it (the perceptron's GPU_SIZE // 10 rows of 10) is still non-trivial.
NO_GPU_CASE_SIZE = 10_000


def test_each_exercise_is_one_trusted_module_and_one_learner_side_module(monkeypatch) -> None:
    import numpy as np

    from grader.checks.gpu import cupy_or_reason
    from grader.grading.context import context_for
    from grader.course.config import load_course
    from grader.exercises import exercise_modules
    from grader.learner.core.model import with_context

    course = load_course(ROOT / "course.yaml")
    modules = exercise_modules()
    if cupy_or_reason()[0] is None:
        # 10**7-element NumPy arrays per case cost seconds here and prove nothing more than smaller ones
        # do; where a GPU grades them, they are built at their real size.
        for module in modules.values():
            if hasattr(module, "GPU_SIZE"):
                monkeypatch.setattr(module, "GPU_SIZE", NO_GPU_CASE_SIZE)
    assert sorted(modules) == sorted(a.id for a in course.assignments)
    ctx = context_for(course, "layout")
    for assignment, module in modules.items():
        parts = {c.function for c in module.CHECKS}
        assert [c.part for c in module.CHECKS] == [p.id for p in course.assignment(assignment).parts]
        assert (ROOT / "grader" / "learner" / "exercises" / f"{assignment}.py").is_file()
        for case in module.GPU_CASES:
            # The GPU cases are real: on NumPy, their arguments fit the reference function they name.
            assert case.function in parts
            args = case.make_args(np, np.random.default_rng(0))
            assert np.all(np.isfinite(np.asarray(with_context(case.reference, ctx)(*args), dtype=float)))


def test_no_exercise_is_listed_outside_its_own_modules() -> None:
    """An exercise is found by name: no module outside its own (trusted, learner side, reference) names it."""
    from grader.exercises import exercise_modules

    ids = sorted(exercise_modules())
    own = {ROOT / "grader" / "exercises", ROOT / "grader" / "learner" / "exercises", ROOT / "reference"}
    allowed = {
    }
    offenders = []
    for path in sorted((ROOT / "grader").rglob("*.py")):
        if path.parent in own:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{a.name}" for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.Constant) and isinstance(node.value, str):
                names = [node.value]
            for name in names:
                for exercise in ids:
                    mentioned = name == exercise or name.endswith(f".{exercise}") or f".{exercise}." in name
                    if mentioned and (path, exercise) not in allowed:
                        offenders.append(f"{path.relative_to(ROOT)}: {name}")
    assert offenders == []
