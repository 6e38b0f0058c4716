"""Malformed and hostile submission folders, generated from a seed, for the batch fuzzer.

Each ``Case`` writes one learner's ``<student>/<assignment>/`` folder: a notebook that is
truncated, not JSON, of the wrong nbformat version, with binary in its sources, 50 MB of output,
100,000 cells, duplicated or missing grade ids, metadata of the wrong types, lone surrogates and
control characters in any text field; or a folder whose notebook is a link, a FIFO, a socket, a
device or a folder; learner ids of odd names; and timestamps of every shape. The same seed always
gives the same cases, so a failure can be replayed (``cases(seed)[i].name``).
"""

from __future__ import annotations

import copy
import json
import os
import random
import socket
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


ROOT = Path(__file__).resolve().parents[1]
SOLUTION = ROOT / "exercises" / "perceptron" / "perceptron.ipynb"
ASSIGNMENT = "perceptron"
NOTEBOOK = f"{ASSIGNMENT}.ipynb"
GOOD_STAMP = "2026-12-01 10:00:00.000000 UTC"

NASTY_TEXT = ["caf\udce9", "\ud800", "\udfff lone", "\x00nul", "\x1b[31mred\x1b[0m", "[red]markup[/red]", "\r\n\r",
              "\u202eevil", "\ufeffbom", "🙂" * 50, "x" * 10_000, "\x7f\x08\x07", "<script>alert(1)</script>"]
NASTY_NAMES = ["with space", "tab\there", "new\nline", "ünïcödé", "日本語", "[bold]rich markup", "-rf", "...", ".hidden", "a+b*c",
               "$(touch pwned)", "'; DROP TABLE student; --", "%s%n%x", "x" * 250, "CON", "emoji🙂", "back\\slash",
               "bell\x07", "esc\x1b[2J"]
NASTY_STAMPS = ["", "   ", "whenever I felt like it", "9" * 400, "0000-00-00 00:00:00", "2026-13-45 25:61:61 UTC",
                "2026-12-01 10:00:00 Mars/Olympus", "-1", "1e308", "2026-12-01\x00", "\udce9", "2026-12-01 10:00:00.000000",
                "31/12/2026", "tomorrow", "x" * 5000]


@dataclass(frozen=True)
class Case:
    name: str
    kind: str
    #: Writes the case into its submission folder (``<subs>/<student>/<assignment>``) and returns the student id.
    write: Callable[[Path], str]


def _solution() -> dict:
    return json.loads(SOLUTION.read_text(encoding="utf-8"))


def _folder(subs: Path, student: str) -> Path:
    raw = os.fsencode(student) if isinstance(student, str) else student
    folder = Path(os.fsdecode(os.path.join(os.fsencode(subs), raw, os.fsencode(ASSIGNMENT))))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _dump(nb: dict) -> bytes:
    # ensure_ascii: lone surrogates travel as \\udXXX escapes, the way a hand-edited notebook can hold them.
    return json.dumps(nb, ensure_ascii=True).encode()


def _with_stamp(folder: Path, stamp: str | None = GOOD_STAMP) -> None:
    if stamp is not None:
        (folder / "timestamp.txt").write_bytes(stamp.encode("utf-8", "surrogateescape")
                                              if "\udce9" not in stamp else b"\xe9")


def _notebook_case(name: str, kind: str, make: Callable[[], bytes], stamp: str | None = GOOD_STAMP,
                   student: str | None = None) -> Case:
    def write(subs: Path) -> str:
        who = student or name
        folder = _folder(subs, who)
        (folder / NOTEBOOK).write_bytes(make())
        _with_stamp(folder, stamp)
        return who
    return Case(name, kind, write)


def _file_case(name: str, kind: str, place: Callable[[Path], None]) -> Case:
    def write(subs: Path) -> str:
        folder = _folder(subs, name)
        place(folder / NOTEBOOK)
        _with_stamp(folder)
        return name
    return Case(name, kind, write)


def _socket_at(path: Path) -> None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.bind(str(path))
    sock.close()


def _mutated(rng: random.Random, mutate: Callable[[dict, random.Random], None]) -> Callable[[], bytes]:
    def make() -> bytes:
        nb = _solution()
        mutate(nb, rng)
        return _dump(nb)
    return make


def _set_in_every(field_path: tuple[str, ...], value: object) -> Callable[[dict, random.Random], None]:
    def mutate(nb: dict, rng: random.Random) -> None:
        for cell in nb["cells"]:
            target = cell
            for key in field_path[:-1]:
                target = target.setdefault(key, {}) if isinstance(target, dict) else {}
            if isinstance(target, dict) and rng.random() < 0.7:
                target[field_path[-1]] = copy.deepcopy(value)
    return mutate


def cases(seed: int = 15, prefix: str = "") -> list[Case]:
    """Every hostile case of this seed (at least 500, each kind at least once), learners named ``prefix...``."""
    rng = random.Random(seed)
    out: list[Case] = []
    solution_bytes = SOLUTION.read_bytes()

    def add(case: Case) -> None:
        if prefix:
            write = case.write

            def prefixed(subs: Path) -> str:
                shadow = subs / f".{prefix}"  # each case writes its own folder; moved under the prefixed name
                shadow.mkdir()
                who = write(shadow)
                (shadow / who).rename(subs / f"{prefix}{who}")
                shadow.rmdir()
                return f"{prefix}{who}"
            case = Case(f"{prefix}{case.name}", case.kind, prefixed)
        out.append(case)

    # Truncated notebooks, cut anywhere.
    for i in range(60):
        cut = rng.randrange(0, len(solution_bytes))
        add(_notebook_case(f"truncated-{i:03d}", "truncated", lambda cut=cut: solution_bytes[:cut]))
    # Not JSON at all, or JSON that is not a notebook.
    junk = [b"", b"\x00" * 100, b"not json", b"\xff\xfe\x00{", b"[1, 2, 3]", b'"a string"', b"null", b"{}",
            b'{"cells": 3}', b'{"nbformat": 4}', b"\xef\xbb\xbf" + solution_bytes, b"{" * 100_000,
            b"[" * 5000 + b"]" * 5000, os.urandom(4096), b'{"cells": [], "nbformat": 4, "nbformat_minor": 5}']
    for i, data in enumerate(junk):
        add(_notebook_case(f"not-a-notebook-{i:02d}", "not-json", lambda data=data: data))
    for i in range(20):
        blob = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 3000)))
        add(_notebook_case(f"random-bytes-{i:02d}", "not-json", lambda blob=blob: blob))
    # Wrong nbformat versions and minor versions.
    for i, version in enumerate([1, 2, 3, 5, 99, 0, -1, "4", None, 4.0, 10**30, [4]]):
        def set_version(nb: dict, _rng: random.Random, version: object = version) -> None:
            nb["nbformat"] = version
        add(_notebook_case(f"nbformat-{i:02d}", "nbformat", _mutated(rng, set_version)))
    for i, minor in enumerate([-1, 99, "5", None, 1e10]):
        def set_minor(nb: dict, _rng: random.Random, minor: object = minor) -> None:
            nb["nbformat_minor"] = minor
        add(_notebook_case(f"nbformat-minor-{i:02d}", "nbformat", _mutated(rng, set_minor)))
    # Binary in cell sources: raw bytes that are not UTF-8, and escapes of every control character.
    for i in range(30):
        raw = bytes(rng.randrange(128, 256) for _ in range(rng.randrange(1, 40)))

        def binary_source(raw: bytes = raw) -> bytes:
            text = solution_bytes.replace(b'"import numpy as np', b'"' + raw + b'import numpy as np', 1)
            return text.replace(b'"def ', b'"' + raw + b'def ', 1)
        add(_notebook_case(f"binary-source-{i:02d}", "binary", binary_source))
    for i in range(20):
        def controls(nb: dict, rng: random.Random) -> None:
            cell = rng.choice([c for c in nb["cells"] if c["cell_type"] == "code"])
            src = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            cell["source"] = "".join(chr(rng.randrange(0, 32)) for _ in range(8)) + src
        add(_notebook_case(f"control-source-{i:02d}", "binary", _mutated(rng, controls)))
    # Huge outputs (over the course's size limit) and 100,000 cells.
    for i in range(2):
        def huge_output(i: int = i) -> bytes:
            nb = _solution()
            nb["cells"][0].setdefault("outputs", []) if nb["cells"][0]["cell_type"] == "code" else None
            code = next(c for c in nb["cells"] if c["cell_type"] == "code")
            code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": "x" * (50 * 1024 * 1024)}]
            return _dump(nb)
        add(_notebook_case(f"output-50mb-{i}", "huge", huge_output))
    for i, count in enumerate([100_000, 2_001]):
        def many_cells(count: int = count) -> bytes:
            nb = _solution()
            nb["cells"] += [{"cell_type": "code", "metadata": {}, "source": "x = 1", "outputs": [],
                             "execution_count": None} for _ in range(count)]
            return _dump(nb)
        add(_notebook_case(f"cells-{count}", "huge", many_cells))
    # Grade ids duplicated, missing, of the wrong type; nbgrader metadata of the wrong types.
    def duplicate_ids(nb: dict, rng: random.Random) -> None:
        cells = [c for c in nb["cells"] if c.get("metadata", {}).get("nbgrader")]
        for _ in range(rng.randrange(1, 6)):
            nb["cells"].insert(rng.randrange(len(nb["cells"])), copy.deepcopy(rng.choice(cells)))

    def missing_ids(nb: dict, rng: random.Random) -> None:
        for cell in nb["cells"]:
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta and rng.random() < 0.5:
                meta.pop("grade_id", None)

    def deleted_cells(nb: dict, rng: random.Random) -> None:
        nb["cells"] = [c for c in nb["cells"] if rng.random() < 0.6]

    for i in range(15):
        add(_notebook_case(f"duplicate-ids-{i:02d}", "grade-ids", _mutated(rng, duplicate_ids)))
        add(_notebook_case(f"missing-ids-{i:02d}", "grade-ids", _mutated(rng, missing_ids)))
        add(_notebook_case(f"deleted-cells-{i:02d}", "grade-ids", _mutated(rng, deleted_cells)))
    wrong_types: list[tuple[tuple[str, ...], object]] = [
        (("metadata",), []), (("metadata",), "meta"), (("metadata",), None), (("metadata", "nbgrader"), []),
        (("metadata", "nbgrader"), "yes"), (("metadata", "nbgrader"), 1), (("metadata", "nbgrader", "grade_id"), 7),
        (("metadata", "nbgrader", "grade_id"), None), (("metadata", "nbgrader", "grade_id"), ["a"]),
        (("metadata", "nbgrader", "points"), "ten"), (("metadata", "nbgrader", "points"), -5),
        (("metadata", "nbgrader", "points"), 1e308), (("metadata", "nbgrader", "points"), None),
        (("metadata", "nbgrader", "grade"), "yes"), (("metadata", "nbgrader", "solution"), [1]),
        (("metadata", "nbgrader", "locked"), {"a": 1}), (("source",), 42), (("source",), None),
        (("source",), [1, 2]), (("source",), {"a": "b"}), (("cell_type",), "python"), (("cell_type",), None),
        (("outputs",), "none"), (("outputs",), [1, 2]), (("outputs",), [{"output_type": "nonsense"}]),
        (("execution_count",), "one"), (("id",), 5), (("attachments",), "x"),
    ]
    for i, (where, value) in enumerate(wrong_types):
        add(_notebook_case(f"wrong-type-{i:02d}", "metadata", _mutated(rng, _set_in_every(where, value))))
    for i, value in enumerate([[], "x", None, 5, {"kernelspec": 3}, {"language_info": []}]):
        def top_metadata(nb: dict, _rng: random.Random, value: object = value) -> None:
            nb["metadata"] = value
        add(_notebook_case(f"notebook-metadata-{i}", "metadata", _mutated(rng, top_metadata)))
    for i, value in enumerate([None, {}, "cells", 3]):
        def cells_field(nb: dict, _rng: random.Random, value: object = value) -> None:
            nb["cells"] = value
        add(_notebook_case(f"cells-field-{i}", "metadata", _mutated(rng, cells_field)))
    # Lone surrogates and control characters in every text field.
    for i in range(60):
        text = rng.choice(NASTY_TEXT)

        def nasty(nb: dict, rng: random.Random, text: str = text) -> None:
            cell = rng.choice(nb["cells"])
            where = rng.choice(["source-append", "output", "metadata-value", "metadata-key", "nb-metadata",
                                "kernelspec", "print"])
            if where == "source-append" and cell["cell_type"] != "code":
                where = "output"
            if where == "source-append":
                cell["source"] = (cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])) \
                    + "\n# " + text.replace("\n", " ") + "\n"
            elif where == "output":
                code = rng.choice([c for c in nb["cells"] if c["cell_type"] == "code"])
                code["outputs"] = [{"output_type": "stream", "name": "stdout", "text": text}]
            elif where == "metadata-value":
                cell.setdefault("metadata", {})["note"] = text
            elif where == "metadata-key":
                cell.setdefault("metadata", {})[text] = "value"
            elif where == "nb-metadata":
                nb.setdefault("metadata", {})["title"] = text
            elif where == "kernelspec":
                nb.setdefault("metadata", {})["kernelspec"] = {"name": text, "display_name": text, "language": text}
            else:
                nb["cells"].append({"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": None,
                                    "source": f"print({text!r})"})
        add(_notebook_case(f"nasty-text-{i:02d}", "text", _mutated(rng, nasty)))
    # Links, FIFOs, sockets, devices and folders where the notebook should be.
    link_targets = [str(SOLUTION), "/proc/self/cwd/exercises/perceptron/perceptron.ipynb", "/dev/zero",
                    "/etc/shadow", "/nonexistent", "perceptron.ipynb", "../../a/perceptron/perceptron.ipynb",
                    "/proc/self/environ", "/dev/stdin", str(ROOT / "reference" / "perceptron.py")]
    for i, target in enumerate(link_targets):
        add(_file_case(f"link-{i:02d}", "special", lambda p, target=target: p.symlink_to(target)))
    for i in range(3):
        add(_file_case(f"fifo-{i}", "special", lambda p: os.mkfifo(p)))
    add(_file_case("socket", "special", _socket_at))
    add(_file_case("char-device", "special", lambda p: os.mknod(p, stat.S_IFCHR | 0o666, os.makedev(1, 5))))
    add(_file_case("notebook-folder", "special", lambda p: p.mkdir()))
    add(_file_case("notebook-folder-with-notebook", "special",
                   lambda p: (p.mkdir(), (p / NOTEBOOK).write_bytes(solution_bytes))))
    add(_file_case("hard-link-to-solution", "special", lambda p: os.link(SOLUTION, p)
                   if os.stat(SOLUTION).st_dev == os.stat(p.parent).st_dev else p.write_bytes(solution_bytes)))
    add(_file_case("unreadable-mode-000", "special", lambda p: (p.write_bytes(solution_bytes), p.chmod(0))))

    def linked_assignment_folder(subs: Path) -> str:
        (subs / "linked-folder").mkdir(parents=True, exist_ok=True)
        (subs / "linked-folder" / ASSIGNMENT).symlink_to(SOLUTION.parent)
        return "linked-folder"
    add(Case("linked-folder", "special", linked_assignment_folder))

    def linked_student_folder(subs: Path) -> str:
        (subs / "linked-student").symlink_to(ROOT / "exercises")
        return "linked-student"
    add(Case("linked-student", "special", linked_student_folder))
    # Beside the notebook: stray notebooks, links, FIFOs, folders named like notebooks (the notebook is fine).
    for i in range(10):
        def clutter(subs: Path, i: int = i) -> str:
            name = f"clutter-{i:02d}"
            folder = _folder(subs, name)
            (folder / NOTEBOOK).write_bytes(solution_bytes)
            _with_stamp(folder)
            (folder / f"old-{i}.ipynb").write_bytes(b"{ broken")
            (folder / "link.ipynb").symlink_to(SOLUTION)
            os.mkfifo(folder / "pipe.ipynb")
            (folder / "dir.ipynb").mkdir()
            (folder / "data.csv").symlink_to("/dev/zero")
            return name
        add(Case(f"clutter-{i:02d}", "clutter", clutter))
    # Learner ids of odd names (and non-UTF-8 bytes), each with a correct notebook.
    for i, name in enumerate(NASTY_NAMES):
        add(_notebook_case(f"odd-name-{i:02d}", "name", lambda: solution_bytes, student=name))
    for i in range(8):
        raw = b"raw-" + bytes(rng.randrange(128, 256) for _ in range(rng.randrange(1, 12)))
        add(_notebook_case(f"odd-bytes-{i:02d}", "name", lambda: solution_bytes, student=os.fsdecode(raw)))
    # Timestamps of every shape (the notebook is fine).
    for i, stamp in enumerate(NASTY_STAMPS):
        add(_notebook_case(f"stamp-{i:02d}", "timestamp", lambda: solution_bytes, stamp=stamp))
    for i in range(30):
        stamp = rng.choice(["", " "]) + "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randrange(1, 60)))
        add(_notebook_case(f"stamp-random-{i:02d}", "timestamp", lambda: solution_bytes,
                           stamp=stamp.encode("utf-8", "surrogatepass").decode("utf-8", "replace")))
    for i, place in enumerate([lambda p: p.symlink_to("/etc/shadow"), lambda p: os.mkfifo(p), lambda p: p.mkdir(),
                               lambda p: p.symlink_to("/dev/zero"), lambda p: p.write_bytes(os.urandom(2000))]):
        def odd_stamp_file(subs: Path, i: int = i, place: Callable[[Path], None] = place) -> str:
            name = f"stamp-file-{i}"
            folder = _folder(subs, name)
            (folder / NOTEBOOK).write_bytes(solution_bytes)
            place(folder / "timestamp.txt")
            return name
        add(Case(f"stamp-file-{i}", "timestamp", odd_stamp_file))
    # Fill up to well past 500 with random mixtures of the notebook mutations above.
    mutations = [duplicate_ids, missing_ids, deleted_cells] + [_set_in_every(w, v) for w, v in wrong_types]
    i = 0
    while len(out) < 520:
        picks = rng.sample(mutations, 2)

        def mixed(nb: dict, rng: random.Random, picks: list = picks) -> None:
            for mutate in picks:
                mutate(nb, rng)
        add(_notebook_case(f"mixed-{i:03d}", "mixed", _mutated(rng, mixed)))
        i += 1
    return out


def all_seeds(first: int, count: int) -> list[Case]:
    """The cases of ``count`` seeds from ``first`` (one seed: its cases as they are)."""
    if count <= 1:
        return cases(first)
    return [c for i in range(count) for c in cases(first + i, prefix=f"s{first + i}-")]


KINDS = ("truncated", "not-json", "nbformat", "binary", "huge", "grade-ids", "metadata", "text", "special", "clutter",
         "name", "timestamp", "mixed")

