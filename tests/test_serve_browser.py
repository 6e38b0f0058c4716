"""A learner in a real browser: JupyterLab's Assignment List (nbgrader's extension, in the learner
environment) fetches the assignment, submits it, and fetches the feedback `dlcourse serve` graded."""

from __future__ import annotations

import secrets
import subprocess
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

from browser_support import headless_chromium, screenshot
from corpus_support import build_notebook, corpus
from grader.release.learner_env import create
from serve_support import Running, served_course, text, wait
from test_learner_env import _free_port

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def env_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return create(tmp_path_factory.mktemp("learner") / "env")


def _button(driver, label: str):
    found = driver.find_elements("xpath", f"//button[normalize-space()='{label}']")
    return found[0] if found and found[0].is_enabled() else None


def test_the_assignment_list_submits_and_fetches_the_graded_feedback(env_python: Path, tmp_path: Path) -> None:
    served = served_course(tmp_path / "course")
    service = Running(served, tmp_path / "serve.log")
    home, work = tmp_path / "learner", tmp_path / "learner" / "work"
    work.mkdir(parents=True)
    # The learner's nbgrader reads the same exchange (on a hub: the image's nbgrader_config.py).
    (home / ".jupyter").mkdir()
    (home / ".jupyter" / "nbgrader_config.py").write_text(
        f"c = get_config()\nc.Exchange.root = {str(served.exchange)!r}\n"
        f"c.CourseDirectory.course_id = {served.course.exchange_course_id!r}\n")
    port, token = _free_port(), secrets.token_hex(16)
    env = {"PATH": f"{env_python.parent}:/usr/bin:/bin", "HOME": str(home), "JUPYTER_PLATFORM_DIRS": "1",
           "JUPYTER_CONFIG_DIR": str(home / ".jupyter"), "JUPYTER_RUNTIME_DIR": str(home / ".runtime"),
           "JUPYTER_DATA_DIR": str(home / ".data")}
    lab_log = (tmp_path / "lab.log").open("w")
    lab = subprocess.Popen([str(env_python.parent / "jupyter"), "lab", "--no-browser", "--allow-root", f"--port={port}",
                            "--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}",
                            f"--ServerApp.root_dir={work}", "--LabApp.expose_app_in_browser=True"],
                           cwd=work, env=env, stdout=lab_log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        def up() -> bool:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                return True
            except OSError:
                return False

        wait(up, "JupyterLab to start", 90)
        with headless_chromium() as driver:
            from selenium.webdriver.support.ui import WebDriverWait

            driver.get(f"{url}/lab?token={token}")
            WebDriverWait(driver, 120, poll_frequency=0.5).until(lambda d: d.execute_script(
                "return !!(window.jupyterapp && window.jupyterapp.commands.hasCommand('nbgrader:open-assignment-list'))"))
            driver.execute_script("return window.jupyterapp.commands.execute('nbgrader:open-assignment-list')")
            WebDriverWait(driver, 60, poll_frequency=0.5).until(lambda d: _button(d, "Fetch")).click()
            fetched = work / "perceptron" / "perceptron.ipynb"
            wait(fetched.is_file, "the fetched assignment", 60)
            # The learner solves it (typing the solution is the browser test of the notebook, test_learner_env.py).
            solution = next(s for s in corpus("perceptron") if s.expect_full)
            source = served.course.path(served.course.assignment("perceptron").notebook)
            nbformat.write(build_notebook(solution, source, fetched), fetched)
            WebDriverWait(driver, 60, poll_frequency=0.5).until(lambda d: _button(d, "Submit")).click()
            wait(lambda: len(service.lines("graded")) == 1, "the service to grade the submission", 120)
            WebDriverWait(driver, 60, poll_frequency=0.5).until(lambda d: _button(d, "Fetch Feedback")).click()
            WebDriverWait(driver, 60, poll_frequency=0.5).until(
                lambda d: "(view feedback)" in d.find_element("css selector", "body").text)
            shot = screenshot(driver, tmp_path, "assignment-list-feedback.png")
            assert shot.stat().st_size > 10_000
            [page] = sorted((work / "perceptron" / "feedback").glob("*/perceptron.html"))
            driver.get(f"{url}/files/perceptron/feedback/{page.parent.name}/perceptron.html?token={token}")
            time.sleep(1)
            shown = driver.find_element("css selector", "body").text
            assert "perceptron (Score: 10.0 / 10.0)" in shown and "Attempt 1: 10 / 10 points" in text(shown)
        service.stop()
    finally:
        lab.terminate()
        try:
            lab.wait(timeout=20)
        except subprocess.TimeoutExpired:
            lab.kill()
        lab_log.close()
        if service.proc.poll() is None:
            service.kill9()
