"""The learner's environment (`./course.sh learner-env DIR`): everything runs there, no answer is there.

Built once for the module in a temporary folder, from the same wheel and requirements file that
instructors put into a JupyterHub image; the released notebooks then run in it with its own
Jupyter, blank, correct and with a typical mistake, and nbgrader's Validate tells the truth.
"""

from __future__ import annotations

import ast
import re
import secrets
import shutil
import socket
import subprocess
import time
import urllib.request
import zipfile
from pathlib import Path

import nbformat
import pytest

from browser_support import headless_chromium, screenshot
from corpus_support import build_notebook, corpus
from grader.nbgrader_glue.course import CourseDirectory
from grader.quiz.checking import expected_answer
from grader.quiz.load import load_course_quizzes
from grader.release.check import _solution_lines

pytestmark = pytest.mark.slow
ROOT = Path(__file__).resolve().parents[1]
TEXT_SUFFIXES = {".py", ".json", ".ipynb", ".txt", ".md", ".cfg", ".toml", ".yaml", ".yml", ".html", ".js", ".pth", ""}


@pytest.fixture(scope="module")
def env_python(learner_env_python: Path) -> Path:
    # The one environment of the run (conftest.py): test_learner_env_answers.py judges the same one.
    return learner_env_python


@pytest.fixture(scope="module")
def released(course, released_course: Path) -> CourseDirectory:
    # Every exercise and quiz released once per run (conftest.py); the tests here only read it.
    return CourseDirectory(released_course, course)


def _run(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": f"{python.parent}:/usr/bin:/bin", "HOME": str(cwd), "JUPYTER_PLATFORM_DIRS": "1"}
    return subprocess.run([str(python), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_nothing_that_knows_an_answer_is_importable(env_python: Path, tmp_path: Path) -> None:
    for module in ("reference", "grader.checks", "grader.exercises", "grader.quiz", "grader.nbgrader_glue", "grader.sandbox", "grader.course.config"):
        done = _run(env_python, "-c", f"import {module}", cwd=tmp_path)
        assert done.returncode != 0 and "ModuleNotFoundError" in done.stderr, module
    assert _run(env_python, "-c", "import grader.learner.kernel.notebook, nbgrader, jupyterlab", cwd=tmp_path).returncode == 0


#: Lines any Python program may hold (control flow alone): not evidence of a leak.
GENERIC = re.compile(r"^(except\b|try:|else:|finally:|raise\b|if\b|elif\b|for\b|while\b|with\b|return \w+$)")


def _reference_code_lines() -> set[str]:
    """Every statement line of the reference's function bodies (docstrings, imports and bare control flow aside)."""
    lines: set[str] = set()
    for path in (ROOT / "reference").glob("*.py"):
        source = path.read_text().splitlines()
        for node in ast.walk(ast.parse("\n".join(source))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body[1:] if ast.get_docstring(node) else node.body
                for stmt in body:
                    for lineno in range(stmt.lineno, (stmt.end_lineno or stmt.lineno) + 1):
                        text = source[lineno - 1].strip()
                        if len(text) >= 16 and not text.startswith("#") and not GENERIC.match(text):
                            lines.add(text)
    return lines


def _quiz_secrets(course) -> set[str]:
    secrets = set()
    for quiz in load_course_quizzes(course):
        for q in quiz.questions:
            secrets.add(q.explanation.strip()[:60])
            for option in getattr(q, "options", []):
                if option.feedback:
                    secrets.add(option.feedback.strip()[:60])
            if not q.draws():
                answer = expected_answer(quiz, q, "")
                if isinstance(answer, (int, float)) and not isinstance(answer, bool):
                    secrets.add(f"answer_{q.id} = {answer!r}")
    return {s for s in secrets if len(s) >= 12}


def _solution_secrets(course) -> set[str]:
    return {line for a in course.assignments
            for line in _solution_lines(nbformat.read(course.path(a.notebook), as_version=4))
            if len(line) >= 16 and not GENERIC.match(line)}


def _files(root: Path):
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink() and path.suffix in TEXT_SUFFIXES and path.stat().st_size < 8_000_000:
            yield path


def test_no_reference_line_solution_or_quiz_answer_in_the_environment_or_the_release(
    course, env_python: Path, released: CourseDirectory
) -> None:
    lines = _reference_code_lines() | _solution_secrets(course)
    texts = _quiz_secrets(course)
    assert len(lines) > 50 and len(texts) > 50
    pattern = re.compile("|".join(re.escape(s) for s in sorted(texts, key=len, reverse=True)))
    found = []
    for root in (env_python.parents[1], released.root / "release"):
        for path in _files(root):
            text = path.read_text(encoding="utf-8", errors="ignore")
            # Code leaks line by line (a set lookup per line: fast over the whole environment); quiz
            # answers and explanations hide inside longer text, so those are searched for everywhere.
            found += [f"{path}: {line.strip()!r}" for line in text.splitlines() if line.strip() in lines]
            match = pattern.search(text)
            if match:
                found.append(f"{path}: {match.group(0)!r}")
    assert found == []


def _outputs(nb: nbformat.NotebookNode) -> str:
    return "\n".join(o.get("text", "") + str(o.get("evalue", "")) for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []))


def _execute(env_python: Path, cdir: CourseDirectory, assignment: str, nb: nbformat.NotebookNode, tmp: Path) -> nbformat.NotebookNode:
    folder = tmp / assignment
    shutil.copytree(cdir.root / "release" / assignment, folder)
    path = folder / f"{assignment}.ipynb"
    nbformat.write(nb, path)
    done = _run(env_python.parent / "jupyter", "nbconvert", "--to", "notebook", "--execute", "--allow-errors",
                "--inplace", "--ExecutePreprocessor.timeout=120", str(path), cwd=folder)
    assert done.returncode == 0, done.stderr[-2000:]
    return nbformat.read(path, as_version=4)


def _errors(nb: nbformat.NotebookNode) -> list[str]:
    return [f"{o.get('ename')}: {o.get('evalue')}" for c in nb.cells if c.cell_type == "code"
            for o in c.get("outputs", []) if o.get("output_type") == "error"]


@pytest.mark.parametrize("assignment", ["perceptron", "bce", "backprop", "gradient_descent", "dropout"])
def test_each_released_notebook_runs_there_blank_correct_and_wrong(
    course, env_python: Path, released: CourseDirectory, assignment: str, tmp_path: Path
) -> None:
    a = course.assignment(assignment)
    release = released.root / "release" / assignment / f"{assignment}.ipynb"
    blank = _execute(env_python, released, assignment, nbformat.read(release, as_version=4), tmp_path / "blank")
    assert _errors(blank) == []
    assert _outputs(blank).count("is not written yet") >= len(a.parts) - 1

    solution = next(s for s in corpus(assignment) if s.expect_full)
    correct = _execute(env_python, released, assignment, build_notebook(solution, course.path(a.notebook), release),
                       tmp_path / "correct")
    assert _errors(correct) == []
    assert _outputs(correct).count("✓ all") == len(a.parts)
    assert any(o.get("output_type") == "display_data" and "image/png" in o.get("data", {})
               for c in correct.cells if c.cell_type == "code" for o in c.get("outputs", []))

    mistake = next(s for s in corpus(assignment) if not s.expect_full and s.mistake and "Likely mistake" not in s.mistake)
    wrong = _execute(env_python, released, assignment, build_notebook(mistake, course.path(a.notebook), release),
                     tmp_path / "wrong")
    assert mistake.mistake in _outputs(wrong)


def test_nbgrader_validate_fails_an_untouched_notebook_and_passes_a_correct_one(
    course, env_python: Path, released: CourseDirectory, tmp_path: Path
) -> None:
    a = course.assignment("perceptron")
    folder = tmp_path / "perceptron"
    shutil.copytree(released.root / "release" / "perceptron", folder)
    release = folder / "perceptron.ipynb"
    untouched = _run(env_python.parent / "nbgrader", "validate", str(release), cwd=folder)
    assert "VALIDATION FAILED" in untouched.stdout and "Success!" not in untouched.stdout, untouched.stdout[-1500:]
    solution = next(s for s in corpus("perceptron") if s.expect_full)
    nbformat.write(build_notebook(solution, course.path(a.notebook), release), release)
    done = _run(env_python.parent / "nbgrader", "validate", str(release), cwd=folder)
    assert "Success! Your notebook passes all the tests." in done.stdout, done.stdout[-1500:]


def test_instructors_get_the_same_wheel_and_requirements(env_python: Path) -> None:
    dist = env_python.parents[1] / "dist"
    requirements = (dist / "requirements-learner.txt").read_text()
    wheel = next(dist.glob("intro_dl_learner-*.whl"))
    assert str(wheel) in requirements and "jupyterlab" in requirements and "nbgrader" in requirements
    names = zipfile.ZipFile(wheel).namelist()
    assert "grader/learner/core/judge.py" in names
    assert not [n for n in names if re.match(r"grader/(checks|quiz|autograde|sandbox)/|reference/", n)]


def test_a_released_quiz_runs_to_the_end_and_checks_answer_forms_at_once(
    course, env_python: Path, released: CourseDirectory, tmp_path: Path
) -> None:
    quiz = next(q for q in load_course_quizzes(course) if q.id == "quiz_perceptron")
    release = released.root / "release" / quiz.id / f"{quiz.id}.ipynb"
    nb = nbformat.read(release, as_version=4)
    answer_cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")]
    assert all("= None" in c.source and "NotImplementedError" not in c.source for c in answer_cells)
    blank = _execute(env_python, released, quiz.id, nb, tmp_path / "blank")
    assert _errors(blank) == []
    assert _outputs(blank).count("is still empty") == len(quiz.questions)
    answer_cells[0].source = 'answer_p1_what_it_computes = "z"'
    malformed = _execute(env_python, released, quiz.id, nb, tmp_path / "malformed")
    assert "'z' is not one of the options" in _outputs(malformed)


# --- a real browser ----------------------------------------------------------------------------



def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def jupyterlab(course, env_python: Path, released: CourseDirectory, tmp_path: Path):
    """JupyterLab from the learner environment, serving a released notebook with correct answers filled in."""
    folder = tmp_path / "perceptron"
    shutil.copytree(released.root / "release" / "perceptron", folder)
    release = folder / "perceptron.ipynb"
    solution = next(s for s in corpus("perceptron") if s.expect_full)
    nbformat.write(build_notebook(solution, course.path(course.assignment("perceptron").notebook), release), release)
    port, token = _free_port(), secrets.token_hex(16)
    env = {"PATH": f"{env_python.parent}:/usr/bin:/bin", "HOME": str(tmp_path), "JUPYTER_PLATFORM_DIRS": "1",
           "JUPYTER_CONFIG_DIR": str(tmp_path / ".jupyter"), "JUPYTER_RUNTIME_DIR": str(tmp_path / ".runtime")}
    log = (tmp_path / "lab.log").open("w")
    proc = subprocess.Popen(
        [str(env_python.parent / "jupyter"), "lab", "--no-browser", "--allow-root", f"--port={port}",
         "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={folder}",
         "--LabApp.expose_app_in_browser=True"],
        cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail(f"JupyterLab did not start:\n{(tmp_path / 'lab.log').read_text()[-3000:]}")
            time.sleep(0.5)
    yield url, token
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
    log.close()


def test_a_released_notebook_runs_in_jupyterlab_in_a_real_browser(jupyterlab, tmp_path: Path) -> None:
    url, token = jupyterlab
    with headless_chromium() as driver:
        from selenium.webdriver.support.ui import WebDriverWait

        driver.get(f"{url}/lab/tree/perceptron.ipynb?token={token}")
        # Run All only once the notebook is the current widget and its kernel is idle, as a person would.
        WebDriverWait(driver, 120, poll_frequency=0.5).until(lambda d: d.execute_script(
            "const w = window.jupyterapp && window.jupyterapp.shell.currentWidget;"
            "const k = w && w.sessionContext && w.sessionContext.session && w.sessionContext.session.kernel;"
            "return !!(k && k.status === 'idle' && document.querySelector('.jp-Notebook .jp-Cell'));"))
        driver.execute_script("return window.jupyterapp.commands.execute('notebook:run-all-cells')")

        def finished(d) -> bool:
            text = d.find_element("css selector", ".jp-Notebook").text
            images = d.find_elements("css selector", ".jp-OutputArea-output img")
            return text.count("✓ all") >= 5 and len(images) >= 1

        WebDriverWait(driver, 180, poll_frequency=1).until(finished)
        page = driver.find_element("css selector", ".jp-Notebook").text
        assert "sigmoid — 2 / 2 points" in page and "Well done" in page
        image = driver.find_elements("css selector", ".jp-OutputArea-output img")[0]
        assert image.get_attribute("src").startswith("data:image/png")
        # A view a learner would see: scroll to the first self-check and keep the picture for docs/.
        driver.execute_script("[...document.querySelectorAll('.jp-OutputArea-output')]"
                              ".find(e => e.textContent.includes('sigmoid — 2 / 2 points'))"
                              ".scrollIntoView({block: 'start'})")
        time.sleep(1)
        shot = screenshot(driver, tmp_path, "learner-notebook.png")
        assert shot.stat().st_size > 10_000
