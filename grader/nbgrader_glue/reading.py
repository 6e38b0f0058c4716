"""A submission folder read as data: each file opened once, never through a link, never a special file.

The folder is the learner's as much as the notebook in it (zip archives and ``nbgrader collect``
keep what it holds), so nothing here trusts a name to be what it says:

* every folder below the root is opened with ``O_NOFOLLOW | O_DIRECTORY`` relative to its parent's
  descriptor, and every file with ``O_NOFOLLOW | O_NONBLOCK``, then checked with ``fstat`` to be the
  regular file ``lstat`` saw: a symbolic link (to the solution, through ``/proc/self/cwd``, anywhere)
  is refused, a FIFO cannot block, a directory or device named like a notebook is named as such;
* sizes are capped before anything is read (``grading.max_notebook_mb`` in course.yaml), and a
  file is read to at most that size, whatever ``stat`` claimed;
* only the notebooks the release names are taken; anything else that looks like a notebook is
  listed as ignored, with the reason.

The bytes read here are the only copy anything downstream sees: the fingerprint, the batch's
payload, the copy into a course folder's ``submitted/`` and nbgrader's sanitize step
(``grader.nbgrader_glue.guard``) all use them.
"""

from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from grader.learner.core.text import clean_text, decode_bytes, display_name

#: A notebook larger than this is not graded unless course.yaml says otherwise (grading.max_notebook_mb).
DEFAULT_NOTEBOOK_MB = 20
#: nbgrader's timestamp.txt is one short line; anything longer is not a timestamp.
MAX_TIMESTAMP_BYTES = 4096
TIMESTAMP = "timestamp.txt"

_DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC
_FILE_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY


class Refused(Exception):
    """A file or folder that is not read; ``str()`` says what it is and why, in words for the summary."""


def kind_of(mode: int) -> str:
    """What a file is, for a message: 'a symbolic link', 'a FIFO', ..."""
    for test, name in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device"), (stat.S_ISREG, "a file")):
        if test(mode):
            return name
    return "a special file"


def _megabytes(n: int) -> str:
    return f"{n / (1 << 20):.1f} MB"


def open_folder(name: str, parent: int | None = None) -> int:
    """A descriptor of the folder ``name`` (relative to ``parent``), never through a link."""
    try:
        return os.open(name, _DIR_FLAGS, dir_fd=parent)
    except OSError as exc:
        if exc.errno in (errno.ELOOP, errno.ENOTDIR):
            try:
                mode = os.stat(name, dir_fd=parent, follow_symlinks=False).st_mode
            except OSError:
                mode = 0
            raise Refused(f"{kind_of(mode)}, not a folder (not followed)") from None
        raise Refused(f"unreadable ({exc.strerror})") from None


def read_file(name: str, parent: int | None, limit: int, follow: bool = False, limit_key: str = "") -> bytes:
    """The bytes of the regular file ``name`` in ``parent``: at most ``limit`` of them, or ``Refused``.

    ``follow``: the instructor named this very file, so a link to it is theirs to make; it must
    still be a regular file.
    """
    try:
        seen = os.stat(name, dir_fd=parent, follow_symlinks=follow)
    except FileNotFoundError:
        raise Refused("missing") from None
    except OSError as exc:
        raise Refused(f"unreadable ({exc.strerror})") from None
    if not stat.S_ISREG(seen.st_mode):
        raise Refused(f"{kind_of(seen.st_mode)}, not a regular file{'' if follow else ' (not followed)'}")
    too_big = f"{{}}, over the {_megabytes(limit)} limit{f' ({limit_key})' if limit_key else ''}"
    if seen.st_size > limit:
        raise Refused(too_big.format(_megabytes(seen.st_size)))
    try:
        fd = os.open(name, _FILE_FLAGS & ~(os.O_NOFOLLOW if follow else 0), dir_fd=parent)
    except OSError as exc:
        raise Refused(f"unreadable ({exc.strerror})") from None
    try:
        now = os.fstat(fd)
        if not stat.S_ISREG(now.st_mode) or (now.st_dev, now.st_ino) != (seen.st_dev, seen.st_ino):
            raise Refused("replaced while it was being read")
        chunks, got = [], 0
        while got <= limit:
            chunk = os.read(fd, min(1 << 20, limit + 1 - got))
            if not chunk:
                break
            chunks.append(chunk)
            got += len(chunk)
    except OSError as exc:
        raise Refused(f"unreadable ({exc.strerror})") from None
    finally:
        os.close(fd)
    if got > limit:
        raise Refused(too_big.format(f"more than {_megabytes(limit)}"))
    return b"".join(chunks)


@contextmanager
def folder_path(root: str, names: tuple[str, ...]) -> Iterator[int]:
    """A descriptor of ``root/names[0]/names[1]/...``, each step opened without following a link."""
    fds = [os.open(root, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)]  # the root is the instructor's
    try:
        for name in names:
            fds.append(open_folder(name, fds[-1]))
        yield fds[-1]
    finally:
        for fd in fds:
            os.close(fd)


def entries(folder: int, hidden: bool = False) -> list[tuple[str, int]]:
    """(name, lstat mode) of everything in an open folder, sorted; hidden names left out unless ``hidden``."""
    out = []
    with os.scandir(folder) as it:
        for entry in it:
            if entry.name.startswith(".") and not hidden:
                continue  # checkpoints, editor files, nbgrader's own hidden files
            try:
                out.append((entry.name, entry.stat(follow_symlinks=False).st_mode))
            except OSError:
                out.append((entry.name, 0))
    return sorted(out)


# ---- timestamps -------------------------------------------------------------------------------


def _parse_utc(text: str) -> datetime:
    """``nbgrader.utils.parse_utc`` for text, step for step.

    Importing anything under ``nbgrader`` runs its package's ``__init__``, which loads its Jupyter
    server extensions: more than half a second of every ``dlcourse grade``'s start-up, for a
    dozen lines of dateutil. tests/test_timestamps.py holds this to nbgrader's own on odd text too.
    """
    import dateutil.parser
    import dateutil.tz

    parts = text.split(" ")
    if len(parts) == 3:
        zone: Any = parts[2]
        try:
            zone = int(zone)
        except ValueError:
            zone = dateutil.tz.gettz(zone)
        when = dateutil.parser.parse(" ".join(parts[:2] + ["TZ"]), tzinfos={"TZ": zone})
    else:
        when = dateutil.parser.parse(text)
    if when.tzinfo is not None:
        when = (when - when.utcoffset()).replace(tzinfo=None)
    return when


def parse_timestamp(text: str) -> datetime | None:
    """A timestamp.txt's time as nbgrader reads it (naive UTC), or None where nbgrader could not read it."""
    try:
        return _parse_utc(text) if text.strip() else None
    except Exception:  # noqa: BLE001 - dateutil raises ValueError, OverflowError, TypeError, ... for odd text
        return None


def read_timestamp(folder: int) -> tuple[bytes, str, str | None]:
    """(raw bytes, the text nbgrader would parse or "", a warning) for the timestamp.txt in ``folder``."""
    try:
        os.stat(TIMESTAMP, dir_fd=folder, follow_symlinks=False)
    except FileNotFoundError:
        return b"", "", None
    except OSError as exc:
        return b"", "", f"{TIMESTAMP} cannot be read ({exc.strerror}): treated as missing"
    try:
        raw = read_file(TIMESTAMP, folder, MAX_TIMESTAMP_BYTES)
    except Refused as why:
        return b"", "", f"{TIMESTAMP} is {why}: treated as missing"
    text = clean_text(decode_bytes(raw)).strip()
    if not text:
        return raw, "", None
    if parse_timestamp(text) is None:
        return raw, "", (f"{TIMESTAMP} holds {display_name(text, 60)!r}, which is not a time nbgrader can read: "
                         "treated as missing")
    return raw, text, None


# ---- names ------------------------------------------------------------------------------------

_PLAIN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,79}")


def storage_name(name: str) -> str:
    """A file name for ``name`` that is short, portable and unique: the name itself when it is plain,
    else a readable stem and a hash of the whole name (``~`` never occurs in a plain one)."""
    if _PLAIN.fullmatch(name):
        return name
    stem = re.sub(r"[^A-Za-z0-9._@-]", "_", name)[:40].lstrip(".") or "_"
    digest = hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return f"{stem}~{digest}"


def usable_as_folder(name: str) -> bool:
    """Whether ``name`` can be a folder name as it is (nbgrader's trees need the learner's id as one)."""
    return (bool(name) and name not in (".", "..") and "/" not in name and "\0" not in name
            and len(os.fsencode(name)) <= 255 and clean_text(name) == name)


# ---- a submission -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Ignored:
    """Something in the submissions that was not graded, and why."""

    where: str
    reason: str


@dataclass(frozen=True)
class Found:
    """Where a submission is: folder names from the root (raw, as the file system spells them)."""

    student: str
    assignment: str
    folders: tuple[str, ...]
    #: The notebook's file name in the last folder (flat layout: the learner's own file).
    notebook: str
    where: str


@dataclass(frozen=True)
class Submission:
    """One learner's submission of one assignment, read: the bytes that are graded, or why there are none."""

    student: str
    assignment: str
    where: str
    fingerprint: str
    notebook: bytes | None = None
    #: The timestamp as nbgrader would read it ("" when there is none or it cannot be read).
    timestamp: str = ""
    timestamp_bytes: bytes = b""
    #: Why there is nothing to grade (then ``notebook`` is None).
    problem: str | None = None
    warnings: tuple[str, ...] = ()
    ignored: tuple[Ignored, ...] = field(default=())

    @property
    def key(self) -> tuple[str, str]:
        return self.student, self.assignment


def fingerprint_of(notebook: bytes | None, timestamp: bytes, problem: str | None = None) -> str:
    """A resubmission (a changed notebook, a newer timestamp) gets a new fingerprint; an unchanged one does not."""
    digest = hashlib.sha256(notebook if notebook is not None else b"\0refused\0" + (problem or "").encode())
    digest.update(b"\0timestamp\0" + timestamp)
    return digest.hexdigest()


def read_submission(root: str, found: Found, release: tuple[str, ...], limit: int) -> Submission:
    """Read what ``found`` points at: the release's notebook and the timestamp, nothing else."""
    def refused(problem: str, raw_ts: bytes = b"", ts: str = "", warnings: tuple[str, ...] = (),
                ignored: tuple[Ignored, ...] = ()) -> Submission:
        return Submission(found.student, found.assignment, found.where, fingerprint_of(None, raw_ts, problem),
                          None, ts, raw_ts, problem, warnings, ignored)

    try:
        with folder_path(root, found.folders) as folder:
            raw_ts, ts, ts_warning = read_timestamp(folder)
            warnings = (ts_warning,) if ts_warning else ()
            try:
                data = read_file(found.notebook, folder, limit, limit_key="grading.max_notebook_mb")
            except Refused as why:
                return refused(f"{display_name(found.notebook)} is {why}", raw_ts, ts, warnings)
    except Refused as why:
        return refused(f"its folder {found.where} is {why}")
    except OSError as exc:
        return refused(f"{found.where} cannot be read ({exc.strerror})")
    return Submission(found.student, found.assignment, found.where, fingerprint_of(data, raw_ts), data, ts, raw_ts,
                      None, warnings)


def release_notebooks(assignment: str) -> tuple[str, ...]:
    """The notebook names nbgrader releases for an assignment (``source/<a>/<a>.ipynb``)."""
    return (f"{assignment}.ipynb",)
