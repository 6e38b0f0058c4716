"""The corpus of realistic submissions: how a file in tests/corpus/ becomes a notebook.

A corpus file is what one learner wrote: a docstring header, then chunks of
code, each after a `# %% <grade_id>` line naming the solution cell it fills.
Header lines:
    expect: full                      a correct submission
    mistake: <words the feedback must contain>
    parts: <part>, <part>             the parts the mistake touches (they must lose points)
Solution cells the file does not fill keep the source notebook's (correct) code.
"""

from __future__ import annotations

import ast
import copy
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

CORPUS = Path(__file__).resolve().parent / "corpus"
CHUNK = re.compile(r"^# %% (\w+)\s*$", re.M)


@dataclass
class Submission:
    assignment: str
    name: str
    path: Path
    chunks: dict[str, str]
    expect_full: bool
    mistake: str | None = None
    parts: list[str] = field(default_factory=list)

    @property
    def student(self) -> str:
        return self.name.replace("_", "-")


def load(path: Path) -> Submission:
    text = path.read_text()
    header = ast.get_docstring(ast.parse(text)) or ""
    fields = dict(
        (k.strip(), v.strip()) for k, v in (ln.split(":", 1) for ln in header.splitlines() if ":" in ln)
    )
    pieces = CHUNK.split(text)
    chunks = {pieces[i]: pieces[i + 1].strip() + "\n" for i in range(1, len(pieces), 2)}
    sub = Submission(
        assignment=path.parent.name,
        name=path.stem,
        path=path,
        chunks=chunks,
        expect_full=fields.get("expect") == "full",
        mistake=fields.get("mistake"),
        parts=[p.strip() for p in fields.get("parts", "").split(",") if p.strip()],
    )
    if not sub.expect_full and not (sub.mistake and sub.parts):
        raise ValueError(f"{path}: header needs 'expect: full' or both 'mistake:' and 'parts:'")
    if not chunks:
        raise ValueError(f"{path}: no '# %% <grade_id>' chunk")
    return sub


def corpus(assignment: str | None = None) -> list[Submission]:
    pattern = f"{assignment}/*.py" if assignment else "*/*.py"
    return [load(p) for p in sorted(CORPUS.glob(pattern))]


def build_notebook(sub: Submission, source_nb: Path, release_nb: Path) -> nbformat.NotebookNode:
    """The release, with every solution cell filled: from the corpus file, else from the source solution."""
    source = nbformat.read(source_nb, as_version=4)
    release = copy.deepcopy(nbformat.read(release_nb, as_version=4))
    solutions = {
        c.metadata["nbgrader"]["grade_id"]: c.source
        for c in source.cells
        if c.metadata.get("nbgrader", {}).get("solution")
    }
    unknown = set(sub.chunks) - set(solutions)
    if unknown:
        raise ValueError(f"{sub.path}: no solution cell with grade_id {sorted(unknown)}")
    for cell in release.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution"):
            cell.source = sub.chunks.get(meta["grade_id"], solutions[meta["grade_id"]])
    return release
