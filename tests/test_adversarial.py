"""Dishonest submissions, graded by real ``nbgrader autograde`` in the real sandbox, in one batch.

Every file in ``tests/adversarial/`` is one attack: what a learner who wants
points without the work (or wants to hurt the grading, or a classmate) might
write. The module turns each into a notebook, submits it next to an honest
classmate (the source notebook) and a blank one (the untouched release),
autogrades every assignment once, and checks that each attack got exactly the
credit of the parts it solves honestly, that nobody else was affected, and
that nothing of the attack outlived grading.

File format (like ``tests/corpus/``)
------------------------------------
A module docstring whose ``key: value`` lines are read for these keys (other
lines are prose)::

    attack: <one sentence: what a dishonest learner tries>
    class: forged-output | reading-answers | patching | lying-objects | tampering
           | planting | processes | crash | limits | test-cells
    honest: <parts solved honestly, comma-separated; may be empty>
    grading-failed: <parts whose autograded status must be "grading-failed">   (optional)
    assignment: <assignment id>                                                (optional, default perceptron)

then chunks, each after a line ``# %% <spec>``:

``# %% <grade_id>``
    replaces the source of the solution cell with that grade_id.
``# %% +after <grade_id> [<json>]``
    inserts a new code cell after the cell with that grade_id (after the cells
    earlier chunks inserted there, so file order is kept). Without ``<json>``
    it has no nbgrader metadata, like any cell a learner adds; ``<json>`` is
    the new cell's metadata, for attacks that forge nbgrader metadata.
``# %% !test <grade_id>``
    replaces the source of the test cell with that grade_id (learners can edit
    test cells; nbgrader restores them).
``# %% -<grade_id>``
    deletes the cell with that grade_id (the chunk's text is ignored).
``# %% =output <grade_id>``
    sets the outputs of the cell with that grade_id: the chunk is a Python
    literal list of nbformat output dicts (forged results in the submitted file).

Starting point is the *release* (every solution cell still raises
NotImplementedError), unlike ``tests/corpus/``. For each part named in
``honest:``, the harness fills the solution cell that precedes that part's test
cell in the source notebook with the source's solution, unless a chunk
replaces that solution cell, in which case the chunk must carry the honest code
itself. Parts a later part depends on (perceptron_forward calls sigmoid;
dropout's functions call check_p_drop) are only honest if what they call is.

The student id of a file is its stem with ``_`` replaced by ``-``.

``__CHECKOUT__`` in a file stands for this checkout's folder, wherever it lives:
the strongest attacker knows where the course's code is, and the attack must
find nothing there from inside the sandbox all the same.
"""

from __future__ import annotations

import ast
import copy
import json
import os
import re
import site
import sqlite3
import sys
import sysconfig
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import pandas as pd
import pytest
import yaml

from grader.course.config import Course, load_course
from grader.nbgrader_glue.course import CourseDirectory, NbgraderRun
from sandbox_support import sandbox_processes, settled

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
ADVERSARIAL = Path(__file__).resolve().parent / "adversarial"
HONEST, BLANK = "honest-classmate", "blank-classmate"
CLASSES = (
    "forged-output", "reading-answers", "patching", "lying-objects", "tampering",
    "planting", "processes", "crash", "limits", "test-cells",
)
#: The grading cell time limit of the batch (course.yaml says 30 s; hangs cost about this much each).
CELL_TIMEOUT_S = 3
PLANTED = re.compile(r"^(sitecustomize\.py|usercustomize\.py|.*\.pth)$")
CHUNK = re.compile(r"^# %% (.*\S)\s*$", re.M)
HEADER_KEYS = ("attack", "class", "honest", "grading-failed", "assignment")
#: Markers an attack writes into text that ends up in the feedback HTML; they must arrive escaped.
INJECTED_HTML = ("<script>alert('dlcourse-xss')", "<img src=x onerror=", "<iframe src=")


# ---- the corpus ----------------------------------------------------------------------------------


@dataclass
class Chunk:
    kind: str  # solution, after, test, delete, output
    target: str
    source: str
    meta: dict[str, Any] | None = None


@dataclass
class Attack:
    name: str
    path: Path
    attack: str
    cls: str
    honest: list[str]
    grading_failed: list[str]
    assignment: str
    chunks: list[Chunk] = field(default_factory=list)

    @property
    def student(self) -> str:
        return self.name.replace("_", "-")


def _split(value: str) -> list[str]:
    return [p.strip() for p in value.split(",") if p.strip()]


def _chunk(spec: str, source: str, path: Path) -> Chunk:
    if spec.startswith("+after "):
        rest = spec[len("+after "):].strip()
        target, _, meta = rest.partition(" ")
        return Chunk("after", target, source, json.loads(meta) if meta.strip() else None)
    if spec.startswith("!test "):
        return Chunk("test", spec[len("!test "):].strip(), source)
    if spec.startswith("=output "):
        return Chunk("output", spec[len("=output "):].strip(), source)
    if spec.startswith("-"):
        return Chunk("delete", spec[1:].strip(), source)
    if re.fullmatch(r"\w+", spec):
        return Chunk("solution", spec, source)
    raise ValueError(f"{path}: cannot read chunk line '# %% {spec}'")


CHECKOUT = "__CHECKOUT__"


def load(path: Path) -> Attack:
    text = path.read_text(encoding="utf-8").replace(CHECKOUT, str(ROOT))
    header = ast.get_docstring(ast.parse(text)) or ""
    fields: dict[str, str] = {}
    for line in header.splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() in HEADER_KEYS:
            fields[key.strip()] = value.strip()
    missing = [k for k in ("attack", "class", "honest") if k not in fields]
    if missing:
        raise ValueError(f"{path}: header lacks {', '.join(missing)}")
    if fields["class"] not in CLASSES:
        raise ValueError(f"{path}: class {fields['class']!r} is not one of {CLASSES}")
    pieces = CHUNK.split(text)
    chunks = [_chunk(pieces[i].strip(), pieces[i + 1].strip("\n") + "\n", path) for i in range(1, len(pieces), 2)]
    if not chunks:
        raise ValueError(f"{path}: no '# %% ...' chunk")
    return Attack(
        name=path.stem,
        path=path,
        attack=fields["attack"],
        cls=fields["class"],
        honest=_split(fields["honest"]),
        grading_failed=_split(fields.get("grading-failed", "")),
        assignment=fields.get("assignment") or "perceptron",
        chunks=chunks,
    )


def attacks() -> list[Attack]:
    return [load(p) for p in sorted(ADVERSARIAL.glob("*.py")) if not p.name.startswith("_")]


def _grade_id(cell: Any) -> str | None:
    return (cell.get("metadata", {}).get("nbgrader") or {}).get("grade_id")


def _is_test(cell: Any) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader") or {}
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


def _is_solution(cell: Any) -> bool:
    return bool((cell.get("metadata", {}).get("nbgrader") or {}).get("solution"))


def solution_cell_of(source: nbformat.NotebookNode, part: str) -> str:
    """The grade_id of the solution cell a part's test cell judges: the last one before it."""
    last = None
    for cell in source.cells:
        if _is_solution(cell):
            last = _grade_id(cell)
        elif _is_test(cell) and _grade_id(cell) == part:
            if last is None:
                raise ValueError(f"no solution cell precedes the test cell {part!r}")
            return last
    raise ValueError(f"no test cell {part!r}")


def build_notebook(att: Attack, source_nb: Path, release_nb: Path) -> nbformat.NotebookNode:
    """The release, with the honest parts filled from the source and the attack's chunks applied."""
    source = nbformat.read(source_nb, as_version=4)
    nb = copy.deepcopy(nbformat.read(release_nb, as_version=4))
    solutions = {_grade_id(c): c.source for c in source.cells if _is_solution(c)}
    replaced = {c.target for c in att.chunks if c.kind == "solution"}
    for part in att.honest:
        cell_id = solution_cell_of(source, part)
        if cell_id not in replaced:
            for cell in nb.cells:
                if _grade_id(cell) == cell_id:
                    cell.source = solutions[cell_id]

    def index_of(target: str, kind: str) -> int:
        for i, cell in enumerate(nb.cells):
            if _grade_id(cell) == target:
                if kind == "solution" and not _is_solution(cell):
                    break
                if kind == "test" and not _is_test(cell):
                    break
                return i
        raise ValueError(f"{att.path}: no {kind} cell with grade_id {target!r} in the release")

    inserted_after: dict[str, int] = {}
    for chunk in att.chunks:
        if chunk.kind == "solution":
            nb.cells[index_of(chunk.target, "solution")].source = chunk.source
        elif chunk.kind == "test":
            nb.cells[index_of(chunk.target, "test")].source = chunk.source
        elif chunk.kind == "delete":
            del nb.cells[index_of(chunk.target, "cell")]
        elif chunk.kind == "output":
            outputs = ast.literal_eval(chunk.source)
            nb.cells[index_of(chunk.target, "cell")].outputs = [nbformat.from_dict(o) for o in outputs]
        elif chunk.kind == "after":
            at = index_of(chunk.target, "cell") + 1 + inserted_after.get(chunk.target, 0)
            cell = nbformat.v4.new_code_cell(chunk.source)
            if chunk.meta:
                cell.metadata.update(chunk.meta)
            nb.cells.insert(at, cell)
            inserted_after[chunk.target] = inserted_after.get(chunk.target, 0) + 1
    nbformat.validate(nb)
    return nb


ATTACKS = attacks()


# ---- the batch ---------------------------------------------------------------------------------


def _fast_course(tmp: Path) -> Course:
    """course.yaml with a short cell time limit, every path made absolute so it can live in ``tmp``."""
    data = yaml.safe_load((ROOT / "course.yaml").read_text(encoding="utf-8"))
    data["grading"]["cell_timeout_s"] = CELL_TIMEOUT_S
    for a in data["assignments"]:
        a["notebook"] = str((ROOT / a["notebook"]).resolve())
    data["quizzes"] = [str((ROOT / q).resolve()) for q in data.get("quizzes", [])]
    path = tmp / "course.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return load_course(path)


def _site_dirs() -> list[Path]:
    """The environment's and the base interpreter's site-packages and standard library, and the user site.

    The sandbox sees the first two read-only, so a file planted there would run in every later worker.
    """
    dirs = {Path(p) for p in site.getsitepackages()} | {Path(site.getusersitepackages())}
    dirs |= {Path(p) for p in sys.path if p and "site-packages" in p}
    for base in {sys.prefix, sys.base_prefix}:
        scheme = {"base": base, "platbase": base, "installed_base": base, "installed_platbase": base}
        dirs |= {Path(sysconfig.get_path(k, vars=scheme)) for k in ("purelib", "platlib", "stdlib")}
    return sorted(d for d in dirs if d.is_dir())


def planted_files(course_root: Path) -> set[str]:
    """Every sitecustomize.py, usercustomize.py and .pth where a planted one would matter."""
    found: set[str] = set()
    shallow = [ROOT, ROOT.parent, Path("/tmp"), *_site_dirs()]
    for folder in shallow:
        try:
            found |= {str(p) for p in folder.iterdir() if PLANTED.match(p.name)}
        except OSError:
            continue
    deep = [ROOT / "grader", ROOT / "reference", ROOT / "tests", ROOT / "exercises", course_root]
    for folder in deep:
        for dirpath, _, files in os.walk(folder):
            found |= {os.path.join(dirpath, f) for f in files if PLANTED.match(f)}
    return found


@dataclass
class Batch:
    cdir: CourseDirectory
    book: pd.DataFrame
    runs: dict[str, NbgraderRun]
    statuses: dict[tuple[str, str], dict[str, Any]]
    planted_before: set[str]
    planted_after: set[str]
    processes_before: list[str]
    processes_after: list[str]
    feedback: dict[str, NbgraderRun]


def _statuses(cdir: CourseDirectory, students: list[tuple[str, str]]) -> dict[tuple[str, str], dict[str, Any]]:
    """The per-part status SandboxedGrading wrote into each autograded notebook's metadata."""
    out = {}
    for student, assignment in students:
        path = cdir.root / "autograded" / student / assignment / f"{assignment}.ipynb"
        if path.is_file():
            meta = json.loads(path.read_text(encoding="utf-8")).get("metadata", {}).get("dlcourse", {})
            out[(student, assignment)] = meta.get("parts", {})
    return out


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> Batch:
    tmp = tmp_path_factory.mktemp("adversarial")
    course = _fast_course(tmp)
    course_root = tmp / "course"
    scratch = tmp / "scratch"  # TMPDIR of the graders: their workers' scratch folders, named on bwrap's command line
    scratch.mkdir()
    planted_before = planted_files(course_root)
    processes_before = sandbox_processes(str(scratch))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("TMPDIR", str(scratch))
        cdir = CourseDirectory.prepare(course, course_root)
        assignments = sorted({a.assignment for a in ATTACKS})
        students: list[tuple[str, str]] = []
        for a in assignments:
            source = course.path(course.assignment(a).notebook)
            released = cdir.release(a)
            cdir.submit(HONEST, a, source)
            cdir.submit(BLANK, a, released)
            students += [(HONEST, a), (BLANK, a)]
            for att in ATTACKS:
                if att.assignment == a:
                    cdir.submit(att.student, a, build_notebook(att, source, released))
                    students.append((att.student, a))
        runs, feedback = {}, {}
        for a in assignments:
            runs[a] = cdir.autograde(a)  # the one batch: every submission of the assignment
        processes_after = settled(str(scratch))  # a process killed a moment ago may still be on its way out
        # Feedback only where an attack aims at it (the whole batch's would double the run time).
        for att in ATTACKS:
            if any(marker in att.path.read_text(encoding="utf-8") for marker in INJECTED_HTML):
                feedback[att.student] = cdir.nbgrader("generate_feedback", att.assignment, "--force",
                                                      f"--student={att.student}", check=False)
    return Batch(cdir, cdir.gradebook(), runs, _statuses(cdir, students), planted_before,
                 planted_files(course_root), processes_before, processes_after, feedback)


def _scores(book: pd.DataFrame, student: str, assignment: str) -> dict[str, float]:
    rows = book[(book.student == student) & (book.assignment == assignment)]
    return {r.part: float(r.score) for r in rows.itertuples()}


def _log_tail(run: NbgraderRun, student: str | None = None, lines: int = 30) -> str:
    log = run.log.splitlines()
    if student:
        log = [ln for ln in log if student in ln or "Error" in ln or "Traceback" in ln] or log
    return "\n".join(log[-lines:])


# ---- the corpus itself ------------------------------------------------------------------------------


def test_corpus_is_big_and_covers_every_class(course) -> None:
    assert len(ATTACKS) >= 45, len(ATTACKS)
    missing = set(CLASSES) - {a.cls for a in ATTACKS}
    assert not missing, f"no attack of class {sorted(missing)}"
    students = {a.student for a in ATTACKS}
    assert len(students) == len(ATTACKS) and not students & {HONEST, BLANK}
    for att in ATTACKS:
        parts = {p.id for p in course.assignment(att.assignment).parts}
        assert set(att.honest) <= parts, (att.name, set(att.honest) - parts)
        assert set(att.grading_failed) <= parts - set(att.honest), att.name


@pytest.mark.parametrize("att", ATTACKS, ids=lambda a: a.name)
def test_attack_builds_a_valid_notebook(course, att) -> None:
    # The release is not needed to check the chunks' targets: the source has the same cells.
    source = course.path(course.assignment(att.assignment).notebook)
    build_notebook(att, source, source)


# ---- what the batch did ------------------------------------------------------------------------


def test_honest_classmate_gets_full_marks(course, batch) -> None:
    for a in batch.runs:
        expected = {p.id: p.points for p in course.assignment(a).parts}
        got = {k: v for k, v in _scores(batch.book, HONEST, a).items() if k in expected}
        assert got == expected, a


def test_blank_classmate_gets_nothing(course, batch) -> None:
    for a in batch.runs:
        scores = _scores(batch.book, BLANK, a)
        assert set(scores) >= {p.id for p in course.assignment(a).parts}, (a, scores)
        assert all(s == 0 for s in scores.values()), (a, scores)


def test_no_process_outlived_grading(batch) -> None:
    assert not batch.processes_after, (
        f"sandbox processes still exist after grading: {batch.processes_after}"
        f" (before the batch: {batch.processes_before})"
    )


def test_nothing_was_planted(batch) -> None:
    new = batch.planted_after - batch.planted_before
    # The course tree is nbgrader's: copies of notebooks under autograded/ and feedback/ are its own files.
    assert not new, f"planted files appeared: {sorted(new)}"


def test_gradebook_is_intact(batch) -> None:
    db = batch.cdir.root / "gradebook.db"
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as con:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert con.execute("SELECT COUNT(*) FROM student").fetchone()[0] >= len(ATTACKS) + 2
    assert not batch.book.empty


def test_feedback_carries_no_injected_html(batch) -> None:
    assert batch.feedback, "no attack aims at the feedback page"
    found = []
    for student, run in batch.feedback.items():
        assert run.returncode == 0, f"generate_feedback for {student} exited {run.returncode}:\n{_log_tail(run)}"
        pages = list((batch.cdir.root / "feedback" / student).glob("*/*.html"))
        assert pages, f"no feedback page for {student}"
        for html in pages:
            text = html.read_text(encoding="utf-8", errors="replace")
            found += [f"{html.relative_to(batch.cdir.root)}: {m}" for m in INJECTED_HTML if m in text]
    assert not found, found


def test_the_batch_finished(batch) -> None:
    for a, run in batch.runs.items():
        assert run.returncode == 0, f"autograde {a} exited {run.returncode}:\n{_log_tail(run)}"
    not_graded = [att.student for att in ATTACKS
                  if not _scores(batch.book, att.student, att.assignment)
                  or (att.student, att.assignment) not in batch.statuses]
    assert not not_graded, f"not graded (no grades or no autograded notebook): {not_graded}"


@pytest.mark.parametrize("att", ATTACKS, ids=lambda a: a.name)
def test_attack_gets_exactly_its_honest_credit(course, batch, att) -> None:
    scores = _scores(batch.book, att.student, att.assignment)
    assert scores, f"{att.student} was not graded:\n" + _log_tail(batch.runs[att.assignment], att.student)
    parts = course.assignment(att.assignment).parts
    expected = {p.id: (p.points if p.id in att.honest else 0.0) for p in parts}
    got = {p.id: scores.get(p.id) for p in parts}
    if got != expected:
        status = batch.statuses.get((att.student, att.assignment), {})
        messages = "\n".join(str(status.get(p.id, {}).get("message", "(no report)")) for p in parts
                             if got[p.id] != expected[p.id])
        pytest.fail(f"{att.name} ({att.cls}: {att.attack})\n  expected {expected}\n  got      {got}\n{messages}")


@pytest.mark.parametrize("att", [a for a in ATTACKS if a.honest], ids=lambda a: a.name)
def test_honest_parts_pass_cleanly(batch, att) -> None:
    status = batch.statuses.get((att.student, att.assignment))
    assert status is not None, f"no autograded notebook for {att.student}"
    wrong = {p: (status.get(p, {}).get("status"), status.get(p, {}).get("message")) for p in att.honest
             if status.get(p, {}).get("status") != "passed"}
    assert not wrong, f"{att.name}: {wrong}"


@pytest.mark.parametrize("att", [a for a in ATTACKS if a.grading_failed], ids=lambda a: a.name)
def test_grading_failures_are_reported_as_such(batch, att) -> None:
    status = batch.statuses.get((att.student, att.assignment))
    assert status is not None, f"no autograded notebook for {att.student}"
    wrong = {p: status.get(p, {}).get("status") for p in att.grading_failed
             if status.get(p, {}).get("status") != "grading-failed"}
    assert not wrong, f"{att.name}: expected grading-failed, got {wrong}"


@pytest.mark.parametrize("att", [a for a in ATTACKS if a.name.startswith("hang_")], ids=lambda a: a.name)
def test_a_hang_is_cut_and_costs_only_its_own_part(batch, att) -> None:
    # Timing targets belong to the benchmarks; what a hang must do here is end, with the reason said.
    status = batch.statuses.get((att.student, att.assignment))
    assert status is not None, f"no autograded notebook for {att.student}"
    assert att.grading_failed, f"{att.name}: a hang must name the part it costs"
    for part in att.grading_failed:
        assert "did not finish" in status[part]["message"], status[part]["message"]
    assert all(status[p]["status"] == "passed" for p in att.honest)


# ---- the same attacks on the batch path (warm sandboxes, one fork per submission) ----------------


@dataclass
class WarmBatch:
    exit_code: int
    docs: dict[tuple[str, str], dict[str, Any]]
    processes_after: list[str]
    planted_after: set[str]


@pytest.fixture(scope="module")
def warm(batch, tmp_path_factory) -> WarmBatch:
    """Every submission of the nbgrader batch again, through `dlcourse grade`'s pool of warm sandboxes."""
    import tempfile

    from grader.batch.command import RESULTS_DIR, grade_many
    from grader.batch.results import ResultStore

    out = tmp_path_factory.mktemp("warm-batch")
    scratch = batch.cdir.root.parent / "scratch"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "tempdir", str(scratch))  # the warm sandboxes' folders, on bwrap's command line
        code = grade_many(batch.cdir.course, batch.cdir.root / "submitted", out, workers=2)
    processes_after = settled(str(scratch))
    docs = {(d["student"], d["assignment"]): d for d in ResultStore(out / RESULTS_DIR).documents()}
    return WarmBatch(code, docs, processes_after, planted_files(batch.cdir.root))


@pytest.mark.parametrize("att", ATTACKS, ids=lambda a: a.name)
def test_batch_path_gives_each_attack_exactly_what_nbgrader_gives(course, batch, warm, att) -> None:
    doc = warm.docs.get((att.student, att.assignment))
    assert doc is not None and doc["status"] == "graded", f"{att.student}: {doc and doc['error']}"
    parts = course.assignment(att.assignment).parts
    expected = {p.id: (p.points if p.id in att.honest else 0.0) for p in parts}
    got = {p.id: doc["parts"].get(p.id, {}).get("points") for p in parts}
    assert got == expected, "\n".join(doc["parts"].get(p.id, {}).get("message", "") for p in parts
                                      if got[p.id] != expected[p.id])
    nbgrader = _scores(batch.book, att.student, att.assignment)
    assert got == {p.id: nbgrader.get(p.id) for p in parts}
    statuses = {p: doc["parts"][p]["status"] for p in att.grading_failed}
    assert all(s == "grading-failed" for s in statuses.values()), statuses


def test_batch_path_leaves_no_process_and_plants_nothing(batch, warm) -> None:
    assert not warm.processes_after, warm.processes_after
    assert not warm.planted_after - batch.planted_before, sorted(warm.planted_after - batch.planted_before)


def test_batch_path_grades_the_classmates_like_nbgrader(course, batch, warm) -> None:
    for a in batch.runs:
        for student in (HONEST, BLANK):
            doc = warm.docs[(student, a)]
            assert {p: v["points"] for p, v in doc["parts"].items() if v["max"] > 0} == {
                p: s for p, s in _scores(batch.book, student, a).items() if p in doc["parts"] and doc["parts"][p]["max"] > 0}
