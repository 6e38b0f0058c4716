"""The README and docs/ name only files that exist: a module that moved leaves no stale pointer."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PATH = re.compile(r"\b(?:grader|reference|tests|benchmarks|docs|exercises)/[A-Za-z0-9_./-]+\.(?:py|md|yaml|ipynb)\b")
#: The walkthrough's own files: docs/adding-an-exercise.md creates them (its test does, in a copy).
WRITTEN_BY_WALKTHROUGH = re.compile(r"^# file: (\S+)", re.M)
#: Paths that stand for a file in an example, not for one of this checkout.
EXAMPLES = {"exercises/quizzes/demo.yaml"}  # docs/quizzes.md: what validate prints for a broken quiz


def test_every_path_the_docs_name_exists() -> None:
    pages = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    created = set(WRITTEN_BY_WALKTHROUGH.findall((ROOT / "docs" / "adding-an-exercise.md").read_text(encoding="utf-8")))
    # ... and the notebook its script writes, for each exercise it adds.
    created |= {f"exercises/{Path(f).stem}/{Path(f).stem}.ipynb" for f in created if f.startswith("grader/exercises/")}
    missing = sorted({f"{page.relative_to(ROOT)}: {path}" for page in pages
                      for path in PATH.findall(page.read_text(encoding="utf-8"))
                      if path not in created | EXAMPLES and not (ROOT / path).exists()})
    assert missing == []
