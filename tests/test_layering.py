"""Which package may import which: the layers of docs/architecture.md, enforced.

A package may import its own layer and the layers below it, never one above. Imports inside
functions count too: a lazy import that points the wrong way is still a cycle in the design.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Lowest first. The learner side (the first two) is the tree mounted into the sandbox: the wall
#: runs between it and everything after it, so it may import nothing trusted.
LAYERS: list[tuple[str, tuple[str, ...]]] = [
    ("judging core, both sides", ("grader.learner.core",)),
    ("learner side", ("grader.learner.exercises", "grader.learner.kernel", "grader.learner.sandboxed")),
    ("the truth, errors, the typed-config base", ("reference", "grader.errors", "grader.course.typed")),
    ("what checks are written with", ("grader.checks",)),
    ("exercises", ("grader.exercises",)),
    ("course file", ("grader.course",)),
    ("grading one part", ("grader.grading",)),
    ("quizzes and the sandbox's trusted half", ("grader.quiz", "grader.sandbox")),
    ("release", ("grader.release",)),
    ("validation", ("grader.validate",)),
    ("nbgrader glue", ("grader.nbgrader_glue", "grader.feedback_page")),
    ("batch, service, term and report", ("grader.batch", "grader.serve", "grader.term", "grader.report")),
    ("command line", ("grader.cli", "grader.__main__")),
]


def layer_of(module: str) -> int | None:
    """The layer index of a module, or None for what the layers do not govern (third party, stdlib)."""
    # The longest matching name wins: grader.course.typed sits below the rest of grader.course.
    matches = [(len(package), index) for index, (_, packages) in enumerate(LAYERS) for package in packages
               if module == package or module.startswith(package + ".")]
    return max(matches)[1] if matches else None


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_only(tree: ast.AST) -> set[int]:
    """Ids of the import nodes under ``if TYPE_CHECKING:``: annotations only, never run."""
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(inner) for stmt in node.body for inner in ast.walk(stmt)}
    return skipped


def imported_in(source: str) -> set[str]:
    """Every absolute module name a source imports, ``from a import b`` giving both a and a.b."""
    tree = ast.parse(source)
    skipped = _type_checking_only(tree)
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def pointing_up(module: str, source: str) -> list[str]:
    """The imports of ``source``, as the code of ``module``, that reach a layer above the module's."""
    here = layer_of(module)
    if here is None:
        return []
    found = []
    for name in sorted(imported_in(source)):
        there = layer_of(name)
        if there is not None and there > here:
            found.append(f"{module} ({LAYERS[here][0]}) imports {name} ({LAYERS[there][0]})")
    return found


def wrong_way(files: list[Path]) -> list[str]:
    return [line for path in files for line in pointing_up(module_name(path), path.read_text(encoding="utf-8"))]


def sources() -> list[Path]:
    return sorted([*(ROOT / "grader").rglob("*.py"), *(ROOT / "reference").rglob("*.py")])


def test_every_module_of_grader_belongs_to_a_layer() -> None:
    # The namespace roots hold no code (tests/test_layout.py); everything else has its place.
    loose = [str(p.relative_to(ROOT)) for p in sources() if layer_of(module_name(p)) is None]
    assert loose == ["grader/__init__.py", "grader/learner/__init__.py"]


def test_no_import_points_up_the_layers() -> None:
    assert wrong_way(sources()) == []


@pytest.mark.parametrize(
    ("module", "source", "points_up"),
    [
        ("grader.learner.core.judge", "from grader.exercises import exercise\n", True),
        ("grader.learner.core.judge", "import grader.learner.kernel.selfcheck\n", True),
        ("grader.course.config", "def f():\n    from grader.quiz.load import load_course_quizzes\n", True),
        ("grader.exercises.bce", "from grader.nbgrader_glue.notebook import NotebookGrader\n", True),
        ("grader.batch.engine", "from grader.nbgrader_glue.notebook import NotebookGrader\n", False),
        ("grader.learner.kernel.selfcheck", "import grader.learner.core.judge\n", False),
        ("grader.term.lms", "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from grader.cli.main import main\n", False),
    ],
)
def test_the_rule_sees_an_import_that_points_the_wrong_way(module: str, source: str, points_up: bool) -> None:
    # The same rule on planted code: an import up the layers is found, lazy or not; one down is not.
    assert bool(pointing_up(module, source)) is points_up


def test_every_module_an_import_names_exists() -> None:
    # A lazy import of a module that moved fails only when its line runs: found here instead.
    import importlib.util

    missing = []
    for path in sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                modules = [node.module]
            else:
                continue
            for name in modules:
                if name.split(".")[0] in ("grader", "reference") and importlib.util.find_spec(name) is None:
                    missing.append(f"{path.relative_to(ROOT)}:{node.lineno} imports {name}")
    assert missing == []
