"""Looking for processes that outlived the sandbox they ran in (shared by the adversarial and fuzz tests)."""

from __future__ import annotations

import time
from pathlib import Path

SANDBOX_UIDS = range(200_000, 300_000)


def _status(pid: str) -> dict[str, str]:
    text = Path(f"/proc/{pid}/status").read_text()
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in text.splitlines() if ":" in line)}


def _sandbox_of(pid: str) -> str | None:
    """The command line of the bubblewrap process a process runs under, or None when it runs under none."""
    seen = set()
    while pid not in ("0", "1") and pid not in seen:
        seen.add(pid)
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            parent = _status(pid).get("PPid", "0")
        except OSError:
            return None
        if Path(cmdline.split(" ", 1)[0]).name == "bwrap":
            return cmdline
        pid = parent
    return None


def sandbox_processes(marker: str) -> list[str]:
    """Processes owned by a sandbox uid, except live workers of other runs (under a bubblewrap that is not ours).

    Workers of this batch run under a bubblewrap whose command line names ``marker`` (the batch's
    TMPDIR, where each worker's scratch folder lives). A sandbox-uid process under no bubblewrap at
    all has escaped its sandbox's supervision, whoever started it, and is listed too.
    """
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fields = _status(proc.name)
        except OSError:
            continue
        uids = [int(u) for u in fields.get("Uid", "").split()]
        if not any(u in SANDBOX_UIDS for u in uids):
            continue
        owner = _sandbox_of(proc.name)
        if owner is not None and marker not in owner:
            continue
        found.append(f"pid {proc.name} uid {uids[0]} {fields.get('Name', '')} state {fields.get('State', '')} "
                     f"({'under ' + owner[:120] if owner else 'under no sandbox'})")
    return found


def settled(marker: str, tries: int = 20) -> list[str]:
    """``sandbox_processes(marker)`` once processes killed a moment ago have had time to go."""
    found = sandbox_processes(marker)
    for _ in range(tries):
        if not found:
            break
        time.sleep(0.25)
        found = sandbox_processes(marker)
    return found
