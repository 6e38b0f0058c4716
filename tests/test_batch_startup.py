"""What a batch pays before its first grade (issue 20): nothing it does not need, and in parallel.

Each fact is checked in a fresh interpreter, where imports are as a `dlcourse grade` run meets them.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _python(code: str, cwd: Path = ROOT) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"}
    run = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env, capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_nbgrader_s_library_is_entered_without_its_server_extensions() -> None:
    facts = _python(
        "import json, sys\n"
        "from grader.nbgrader_glue.library import enter_without_server_extensions as enter\n"
        "first = enter()\n"
        "import nbgrader, nbgrader.api, nbgrader.preprocessors\n"
        "from nbgrader.preprocessors import OverwriteCells, CheckCellMetadata\n"
        "print(json.dumps({'first': first, 'again': enter(), 'version': nbgrader.__version__,\n"
        "    'file': nbgrader.__file__, 'server': sorted(m for m in sys.modules\n"
        "    if m.startswith(('jupyter_server', 'nbgrader.server_extensions', 'nbgrader.exchange')))}))"
    )
    assert facts["first"] is True and facts["again"] is False
    assert facts["version"] == importlib.metadata.version("nbgrader")
    assert facts["file"] == importlib.util.find_spec("nbgrader").origin
    assert facts["server"] == [], f"the grading process imported {facts['server']}"


def test_the_dlcourse_command_enters_nbgrader_that_way() -> None:
    facts = _python(
        "import json, sys\n"
        "sys.argv = ['dlcourse', 'validate', '--help']\n"
        "from grader.cli import entry\n"
        "try:\n"
        "    entry.main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "import nbgrader.api\n"
        "print(json.dumps({'server': 'nbgrader.server_extensions' in sys.modules}))"
    )
    assert facts == {"server": False}


def _grade_in_fresh_process(tree: Path) -> dict:
    """The one submission under ``tree`` graded by a one-slot LocalPool in a new interpreter: its total,
    maximum and status, and whether that process had imported SymPy by then."""
    return _python(
        "import json, sys\n"
        "from pathlib import Path\n"
        "from grader.course.config import load_course\n"
        "from grader.nbgrader_glue.masters import master_notebooks\n"
        "from grader.batch.submissions import discover, read\n"
        "from grader.batch.engine import LocalPool\n"
        f"course = load_course(Path({str(ROOT / 'course.yaml')!r}))\n"
        "masters = master_notebooks(course)\n"
        f"listing = discover(Path({str(tree)!r}), masters)\n"
        "sub = read(listing, listing.found[0], masters)\n"
        "with LocalPool(course, 1, masters=masters) as pool:\n"
        "    doc, _nb = pool.grade(sub)\n"
        "print(json.dumps({'total': doc['total'], 'max': doc['max'], 'status': doc['status'],\n"
        "                  'sympy': 'sympy' in sys.modules}))"
    )


def test_an_exercise_batch_grades_without_loading_sympy(tmp_path: Path) -> None:
    """SymPy (half a second) loads for a quiz's formula answers only, not for every batch."""
    from check_support import course

    source = course().path(course().assignment("perceptron").notebook)
    folder = tmp_path / "submitted" / "ada" / "perceptron"
    folder.mkdir(parents=True)
    shutil.copy(source, folder / "perceptron.ipynb")
    facts = _grade_in_fresh_process(tmp_path)
    assert facts["total"] == facts["max"] > 0, facts
    assert facts["sympy"] is False


def test_a_quiz_batch_still_checks_formulas(tmp_path: Path) -> None:
    """The checker starts at the first quiz instead: a right formula answer still earns its points."""
    from check_support import course
    from grader.quiz.load import load_course_quizzes
    from grader.quiz.notebook import solved_notebook
    import nbformat

    quiz = next(q for q in load_course_quizzes(course()) if any(x.type == "symbolic" for x in q.questions))
    folder = tmp_path / "submitted" / "ada" / quiz.id
    folder.mkdir(parents=True)
    nbformat.write(solved_notebook(quiz, "ada"), folder / f"{quiz.id}.ipynb")
    facts = _grade_in_fresh_process(tmp_path)
    assert facts["status"] == "graded" and facts["total"] == facts["max"] > 0, facts
