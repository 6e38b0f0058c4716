"""Which submissions a batch grades: nbgrader's submitted/ tree or a flat folder of notebooks.

Layouts, tried in this order:
    <course folder>/submitted/<student>/<assignment>/<assignment>.ipynb   (nbgrader's, timestamp.txt beside it)
    <folder>/<student>/<assignment>/<assignment>.ipynb                     (the same tree without the course folder)
    <folder>/<student>.ipynb                                                (flat: --assignment, or read from its cells)

Finding submissions (``discover``) reads names only; ``read`` then reads each one once, as data
(``grader.nbgrader_glue.reading``): never through a link, never a special file, only the notebook the
release names. Everything else is returned as ``Ignored``, with the reason.

A submission's fingerprint is the SHA-256 of its notebook's bytes and its timestamp.txt: a
resubmission (a newer timestamp or a changed file) gets a new one and is graded again; an
unchanged submission is not.
"""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass, replace
from pathlib import Path

from grader.nbgrader_glue.masters import Masters, detect_assignment
from grader.nbgrader_glue.reading import (DEFAULT_NOTEBOOK_MB, Found, Ignored, Refused, Submission, entries, fingerprint_of,
                                  folder_path, kind_of, read_submission, release_notebooks)
from grader.learner.core.text import clean_text, display_name

__all__ = ["Found", "Ignored", "Listing", "Submission", "discover", "read"]


@dataclass
class Listing:
    """What ``discover`` found under ``root``: where each submission is, and what was ignored."""

    root: Path
    found: list[Found]
    ignored: list[Ignored]
    #: Whether ``found`` came from a flat folder (each learner's file is the notebook, under its own name).
    flat: bool = False


def _where(*names: str) -> str:
    return "/".join(display_name(n, 60) for n in names)


def _is_notebook_name(name: str) -> bool:
    return name.endswith(".ipynb")


def _tree(root: Path, names: tuple[str, ...], masters: Masters, only: str | None) -> Listing:
    found: list[Found] = []
    ignored: list[Ignored] = []
    with folder_path(str(root), names) as top:
        students = entries(top, hidden=True)
        for student, mode in students:
            if student.startswith("."):
                if stat.S_ISDIR(mode) and student not in (".ipynb_checkpoints",):
                    ignored.append(Ignored(_where(*names, student), "a hidden name (it starts with '.'), which "
                                                                   "nbgrader never grades either"))
                continue
            if not stat.S_ISDIR(mode):
                if stat.S_ISLNK(mode):
                    ignored.append(Ignored(_where(*names, student), "a symbolic link (not followed)"))
                continue  # stray files beside the learners' folders
            try:
                with folder_path(str(root), (*names, student)) as folder:
                    assignments = entries(folder)
            except (Refused, OSError) as why:
                ignored.append(Ignored(_where(*names, student), f"cannot be listed ({why})"))
                continue
            for assignment, amode in assignments:
                where = _where(*names, student, assignment)
                if only is not None and assignment != only:
                    continue
                if not stat.S_ISDIR(amode):
                    if stat.S_ISLNK(amode) or _is_notebook_name(assignment):
                        ignored.append(Ignored(where, f"{kind_of(amode)} where an assignment's folder should be"
                                                      f"{' (not followed)' if stat.S_ISLNK(amode) else ''}"))
                    continue
                if assignment not in masters:
                    ignored.append(Ignored(where, f"assignment {display_name(assignment)!r} is not in the course "
                                                  f"(known: {', '.join(masters)})"))
                    continue
                release = release_notebooks(assignment)
                try:
                    with folder_path(str(root), (*names, student, assignment)) as sub:
                        files = entries(sub)
                except (Refused, OSError) as why:
                    ignored.append(Ignored(where, f"cannot be listed ({why})"))
                    continue
                for name, fmode in files:
                    if _is_notebook_name(name) and name not in release:
                        what = "a notebook" if stat.S_ISREG(fmode) else kind_of(fmode)
                        ignored.append(Ignored(_where(*names, student, assignment, name),
                                               f"{what} the release does not name (it names {', '.join(release)})"))
                for notebook in release:
                    found.append(Found(clean_text(student), assignment, (*names, student, assignment), notebook,
                                       _where(*names, student, assignment, notebook)))
    return Listing(root, found, ignored)


def _flat(root: Path, only: str | None) -> Listing:
    found: list[Found] = []
    ignored: list[Ignored] = []
    with folder_path(str(root), ()) as top:
        for name, mode in entries(top):
            if not _is_notebook_name(name):
                continue
            if stat.S_ISDIR(mode):
                ignored.append(Ignored(_where(name), "a folder, not a notebook"))
                continue
            # The assignment is read from the cells where --assignment does not name it (see ``read``).
            found.append(Found(clean_text(name[: -len(".ipynb")]), only or "", (), name, _where(name)))
    return Listing(root, found, ignored, flat=True)


def _has_tree(root: Path, names: tuple[str, ...]) -> bool:
    """Whether any <student>/<assignment>/ folder below holds something named like a notebook."""
    with folder_path(str(root), names) as top:
        for student, mode in entries(top):
            if not stat.S_ISDIR(mode):
                continue
            try:
                with folder_path(str(root), (*names, student)) as folder:
                    for assignment, amode in entries(folder):
                        if stat.S_ISDIR(amode):
                            with folder_path(str(root), (*names, student, assignment)) as sub:
                                if any(_is_notebook_name(n) for n, _ in entries(sub)):
                                    return True
            except (Refused, OSError):
                continue
    return False


def discover(root: Path, masters: Masters, assignment: str | None = None) -> Listing:
    """Where every submission under ``root`` is, and what cannot be graded (with why); nothing is read yet."""
    if assignment is not None and assignment not in masters:
        raise ValueError(f"--assignment {assignment!r} is not in the course (known: {', '.join(masters)})")
    if (root / "submitted").is_dir():
        return _tree(root, ("submitted",), masters, assignment)
    if _has_tree(root, ()):
        return _tree(root, (), masters, assignment)
    return _flat(root, assignment)


def read(listing: Listing, found: Found, masters: Masters, limit_mb: float = DEFAULT_NOTEBOOK_MB) -> Submission:
    """One submission, read once (never raises: what cannot be read comes back with its ``problem``)."""
    limit = int(limit_mb * 1024 * 1024)
    try:
        sub = read_submission(str(listing.root), found, release_notebooks(found.assignment), limit)
    except Exception as exc:  # noqa: BLE001 - one odd file must not stop the batch
        problem = f"{found.where} could not be read ({type(exc).__name__}: {str(exc)[:200]})"
        return Submission(found.student, found.assignment, found.where, fingerprint_of(None, b"", problem),
                          problem=problem)
    if listing.flat and not sub.assignment and sub.notebook is not None:
        sub = _with_assignment(sub, masters)
    return sub


def _with_assignment(sub: Submission, masters: Masters) -> Submission:
    """A flat folder's notebook, its assignment read from the test cells it carries."""
    try:
        nb = json.loads(sub.notebook)
        assignment = detect_assignment(nb, masters) if isinstance(nb, dict) else None
    except (ValueError, AttributeError, TypeError, RecursionError) as exc:
        return replace(sub, notebook=None, problem=f"not a readable notebook ({type(exc).__name__}); name its "
                                                   "assignment with --assignment to have it graded (and recorded) anyway")
    if assignment is None:
        return replace(sub, notebook=None,
                       problem="it has none of the course's test cells; name its assignment with --assignment")
    return replace(sub, assignment=assignment)
