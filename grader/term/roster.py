"""The course's roster: who the learners are, read from an LMS export or a plain CSV.

Three shapes of file are read, told apart by their header:

* Canvas's gradebook export (``Student``, ``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``, then
  assignments; its second row ``Points Possible``): ``Student`` is the sortable name, "Last, First";
* Moodle's grade or participants export (``First name``, ``Last name``, ``ID number``, ``Email address``,
  and ``Username`` where the export has it);
* a plain CSV in the columns of ``nbgrader db student import``: ``id``, ``first_name``, ``last_name``,
  ``email``, ``lms_user_id``.

The learner id is nbgrader's student id (the hub's user name): by default Canvas's ``SIS Login ID``
(else ``SIS User ID``, else ``ID``) and Moodle's ``Username`` (else ``ID number``, else the email), or
the column named with ``--id-column``. The roster is kept twice, from one import: nbgrader's
gradebook.db holds what nbgrader has room for (names, email, LMS user id) and ``roster.csv`` in the course
folder holds the rest an LMS export needs (SIS ids, section).
"""

from __future__ import annotations

import csv
import io
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from grader.learner.core.text import clean_text, display_name

ROSTER_FILE = "roster.csv"


@dataclass(frozen=True)
class Learner:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    #: The LMS's own user id (Canvas's ``ID``): nbgrader's ``lms_user_id``.
    lms_user_id: str = ""
    sis_user_id: str = ""
    sis_login_id: str = ""
    section: str = ""

    @property
    def sortable_name(self) -> str:
        """"Last, First", as Canvas names a learner."""
        return ", ".join(p for p in (self.last_name, self.first_name) if p)


FIELDS = [f.name for f in fields(Learner)]
#: What nbgrader's Student row holds of a learner.
NBGRADER_FIELDS = ("first_name", "last_name", "email", "lms_user_id")


@dataclass
class RosterFile:
    """A roster file, read: its learners in file order, and the rows that could not be read, and why."""

    shape: str
    learners: list[Learner] = field(default_factory=list)
    #: The Learner fields this file carries: an import changes those, and keeps the others as they were.
    carries: tuple[str, ...] = ()
    unreadable: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


class RosterError(Exception):
    """The file as a whole cannot be read as a roster; ``str()`` names the file and why."""


def _text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")  # Excel writes a byte-order mark
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")  # an export saved by Excel on Windows


def _split_sortable(name: str) -> tuple[str, str]:
    """(first, last) from Canvas's "Last, First" (or "First Last" where there is no comma)."""
    if "," in name:
        last, first = name.split(",", 1)
        return first.strip(), last.strip()
    first, _, last = name.strip().rpartition(" ")
    return (first, last) if first else (last, "")


def _shape(header: list[str]) -> str:
    names = set(header)
    if {"Student", "ID"} <= names and names & {"SIS Login ID", "SIS User ID"}:
        return "canvas"
    if {"First name", "Last name"} <= names or "Email address" in names:
        return "moodle"
    if "id" in names:
        return "plain"
    raise RosterError(
        "its header names none of the known layouts: Canvas (Student, ID, SIS User ID, SIS Login ID, Section), "
        "Moodle (First name, Last name, Email address) or plain (id, first_name, last_name, email, lms_user_id); "
        f"found: {', '.join(header) or 'nothing'}")


#: Learner field -> the column it is read from, per shape.
_COLUMNS = {
    "canvas": {"first_name": "Student", "last_name": "Student", "lms_user_id": "ID", "sis_user_id": "SIS User ID",
               "sis_login_id": "SIS Login ID", "section": "Section"},
    "moodle": {"first_name": "First name", "last_name": "Last name", "email": "Email address",
               "sis_user_id": "ID number", "sis_login_id": "Username", "section": "Group"},
    "plain": {k: k for k in ("first_name", "last_name", "email", "lms_user_id", "sis_user_id", "sis_login_id",
                             "section")},
}
_DEFAULT_IDS = {"canvas": ("SIS Login ID", "SIS User ID", "ID"), "moodle": ("Username", "ID number", "Email address"),
                "plain": ("id",)}


def _learner(shape: str, row: dict[str, str], id_columns: tuple[str, ...]) -> Learner:
    get = lambda key: clean_text(row.get(key) or "").strip()  # noqa: E731
    learner_id = next((get(c) for c in id_columns if get(c)), "")
    if shape == "canvas":
        first, last = _split_sortable(get("Student"))
        return Learner(learner_id, first, last, "", get("ID"), get("SIS User ID"), get("SIS Login ID"), get("Section"))
    if shape == "moodle":
        return Learner(learner_id, get("First name"), get("Last name"), get("Email address"), "", get("ID number"),
                       get("Username"), get("Group"))
    return Learner(learner_id, get("first_name"), get("last_name"), get("email"), get("lms_user_id"),
                   get("sis_user_id"), get("sis_login_id"), get("section"))


def _id_problem(learner_id: str) -> str | None:
    if not learner_id:
        return "it has no learner id"
    bad = [c for c in ("+", "*", "/") if c in learner_id]
    if bad:
        return f"its id {learner_id!r} holds {' and '.join(bad)}, which nbgrader's ids may not"
    return None


def read_roster(path: Path, id_column: str | None = None) -> RosterFile:
    """Read a roster export; RosterError when the file as a whole is not one."""
    try:
        text = _text(path)
    except OSError as exc:
        raise RosterError(f"{path}: cannot be read ({exc.strerror})") from None
    try:
        rows = list(csv.reader(io.StringIO(text), delimiter=";" if _semicolons(text) else ","))
    except csv.Error as exc:
        raise RosterError(f"{path}: not a CSV file ({exc})") from None
    if not rows:
        raise RosterError(f"{path}: empty")
    header = [h.strip() for h in rows[0]]
    try:
        shape = _shape(header)
    except RosterError as exc:
        raise RosterError(f"{path}: {exc}") from None
    if id_column is not None and id_column not in header:
        raise RosterError(f"{path}: --id-column {id_column!r} is not a column (columns: {', '.join(header)})")
    ids = (id_column,) if id_column else _DEFAULT_IDS[shape]
    out = RosterFile(shape, carries=tuple(k for k, column in _COLUMNS[shape].items() if column in header))
    first_row: dict[str, int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            out.unreadable.append(f"row {number}: {len(cells)} fields where the header has {len(header)}")
            continue
        row = dict(zip(header, cells))
        if shape == "canvas" and row.get("Student", "").strip() in ("Points Possible", "Student, Test"):
            out.skipped.append(f"row {number}: Canvas's {row['Student'].strip()!r} row")
            continue
        learner = _learner(shape, row, ids)
        problem = _id_problem(learner.id)
        if problem is None and learner.id in first_row:
            problem = f"its id {learner.id!r} is already on row {first_row[learner.id]}"
        if problem:
            out.unreadable.append(f"row {number} ({display_name(learner.sortable_name or ', '.join(cells), 60)}): "
                                  f"{problem}")
            continue
        first_row[learner.id] = number
        out.learners.append(learner)
    return out


def _semicolons(text: str) -> bool:
    """Moodle and spreadsheets in many locales separate fields with ';'."""
    head = text.split("\n", 1)[0]
    return head.count(";") > head.count(",")


def load_roster(work: Path) -> dict[str, Learner]:
    """The course folder's roster.csv (empty when no roster was imported)."""
    path = work / ROSTER_FILE
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as f:
        return {r["id"]: Learner(**{k: r.get(k) or "" for k in FIELDS}) for r in csv.DictReader(f)}


@dataclass
class Imported:
    added: list[Learner] = field(default_factory=list)
    #: (learner, the fields that changed)
    changed: list[tuple[Learner, list[str]]] = field(default_factory=list)
    unchanged: int = 0


def import_roster(work: Path, learners: list[Learner], carries: tuple[str, ...] = tuple(FIELDS[1:])) -> Imported:
    """Learners into the course folder: nbgrader's gradebook.db (through nbgrader's API) and roster.csv.

    Of a learner already on the roster only the fields in ``carries`` (those the file has columns for)
    change: a Canvas export (no emails) after a list of emails keeps the emails.
    """
    from nbgrader.api import MissingEntry

    from grader.batch.results import write_atomic
    from grader.nbgrader_glue.course import open_gradebook

    roster = load_roster(work)
    done = Imported()
    with open_gradebook(work / "gradebook.db") as gb:
        for learner in learners:
            before = roster.get(learner.id)
            if before is None:
                try:
                    student = gb.find_student(learner.id)
                    before = replace(Learner(learner.id), **{k: getattr(student, k) or "" for k in NBGRADER_FIELDS})
                except MissingEntry:
                    before = None
            if before is not None:
                learner = replace(before, **{k: getattr(learner, k) for k in carries})
            if before is None or learner.id not in roster:
                done.added.append(learner)
            else:
                changed = [k for k in FIELDS if getattr(before, k) != getattr(learner, k)]
                if changed:
                    done.changed.append((learner, changed))
                else:
                    done.unchanged += 1
            gb.update_or_create_student(learner.id, **{k: getattr(learner, k) or None for k in NBGRADER_FIELDS})
            roster[learner.id] = learner
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=FIELDS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(asdict(r) for r in sorted(roster.values(), key=lambda r: r.id))
    write_atomic(work / ROSTER_FILE, buffer.getvalue().encode("utf-8"))
    return done
