"""Starting the worker behind the wall: bubblewrap's command line and the resource limits.

The worker sees a read-only Python (the interpreter and the virtual
environment's site-packages), the learner-side package ``grader.learner`` and
nothing else of the course: no ``reference/``, no checks, no course folder, no
gradebook, no other learner's work. Its scratch folder is a private tmpfs. It
has no network, its own PID, IPC and UTS namespaces (everything it starts dies
with it), and runs as an unprivileged user, so the process cap binds.

Where bubblewrap cannot run, ``Sandbox.detect`` says why, and the worker runs
as a plain child process with the same resource limits only; grading reports
that plainly.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
import os
import random
import resource
import select
import shutil
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import grader
from grader.learner.sandboxed.worker import REFUSED_ENV

GRADER_DIR = Path(grader.__file__).resolve().parent
LEARNER_DIR = GRADER_DIR / "learner"
#: Where the learner-side package appears inside the sandbox, and the worker's home.
SANDBOX_LIB = "/opt/dlcourse"
SANDBOX_HOME = "/home/learner"
#: The worker becomes an unprivileged user drawn from this range (RLIMIT_NPROC does not bind root,
#: and counts per user: a worker of its own keeps one learner's fork bomb from starving another).
SANDBOX_UIDS = (200_000, 300_000)
#: The two halves: a sandbox per submission draws from the first, the forks of a warm sandbox from the
#: second, so the two kinds, which may run side by side on one machine, never share an id.
SESSION_UIDS = (SANDBOX_UIDS[0], (SANDBOX_UIDS[0] + SANDBOX_UIDS[1]) // 2)
FORK_UIDS = (SESSION_UIDS[1], SANDBOX_UIDS[1])
SYSTEM_DIRS = ("/usr", "/lib", "/lib64", "/lib32", "/bin", "/sbin", "/etc/alternatives", "/etc/fonts",
               "/etc/ld.so.cache", "/etc/localtime", "/etc/ssl/certs")
REQUIRED_ENV = "DLCOURSE_SANDBOX"  # "required": refuse to grade without bubblewrap
#: The NVIDIA driver's device nodes a CUDA program opens: the GPUs (nvidia0, nvidia1, ...), the control
#: and unified-memory nodes, and the MIG capability nodes under nvidia-caps/.
GPU_NODE_NAMES = ("nvidiactl", "nvidia-uvm", "nvidia-uvm-tools", "nvidia-modeset")
START_TIMEOUT_S = 60.0


class Failure(enum.Enum):
    """How a worker failed, decided where the failure is seen (a clock, an exit status, a frame's size)."""

    #: Past its wall-clock time, the interrupt ignored.
    TIMEOUT = "timeout"
    #: Killed by SIGXCPU: its CPU time limit.
    CPU_LIMIT = "cpu limit"
    #: Killed by SIGKILL: the memory limit most likely (the kernel's kill does not say which limit).
    MEMORY = "memory"
    #: A reply larger than a frame may be.
    OUTPUT_LIMIT = "output limit"
    #: Anything else: a signal, an exit, an unreadable reply, a channel gone.
    CRASH = "crash"


class WorkerDied(Exception):
    """The worker stopped answering; the message says why, in words a learner can read, and ``kind``
    says how, for the code that decides what follows (never the message)."""

    def __init__(self, reason: str, kind: Failure) -> None:
        super().__init__(reason)
        self.kind = kind


class WorkerCouldNotStart(RuntimeError):
    """No worker could be started for a submission (its message, "the grading worker could not start: ...",
    is for learners); callers catch the type, never the text."""


@functools.lru_cache(maxsize=1)
def refused_modules() -> tuple[str, ...]:
    """What the worker must be unable to import: ``reference`` and everything under ``grader/`` but
    ``grader.learner``, read from the tree here, so a trusted module is refused the day it is added.

    The top of each suffices: a submodule's import imports its package first. Every folder counts,
    with or without ``__init__.py`` (a bare folder imports as a namespace package).
    """
    tops = [f"grader.{entry.stem}" for entry in sorted(GRADER_DIR.iterdir())
            if entry.name not in ("__init__.py", "__pycache__", LEARNER_DIR.name)
            and (entry.is_dir() or entry.suffix == ".py")]
    return ("reference", *tops)


def sandbox_init_pid(info_fd: int) -> int | None:
    """The sandbox init's pid from bubblewrap's --info-fd JSON (written before the worker starts)."""
    data = b""
    while True:
        ready, _, _ = select.select([info_fd], [], [], 5)
        if not ready:
            return None
        chunk = os.read(info_fd, 4096)
        if not chunk:
            break
        data += chunk
        if b"}" in data:
            break
    try:
        return int(json.loads(data.decode())["child-pid"])
    except (ValueError, KeyError, TypeError):
        return None


@dataclass(frozen=True)
class Limits:
    """Per-worker limits; see course.yaml's grading section."""

    memory_mb: int = 2048
    max_processes: int = 64
    max_file_mb: int = 64
    cpu_s: float = 600
    open_files: int = 256
    scratch_mb: int = 256
    #: The sandbox passes a GPU through (``Sandbox.limits_for``): ``memory_mb`` bounds RLIMIT_DATA instead
    #: of RLIMIT_AS. CUDA reserves a vast address space at start-up (PROT_NONE, never backed), which any
    #: RLIMIT_AS a learner should have refuses; RLIMIT_DATA counts private writable memory only (the
    #: heap, NumPy's arrays), so host memory stays bounded. Untested on real GPU hardware in this repo.
    gpu: bool = False

    @classmethod
    def from_course(cls, grading: object) -> Limits:
        return cls(
            memory_mb=int(grading.memory_limit_mb),
            max_processes=int(grading.max_processes),
            max_file_mb=int(grading.max_file_mb),
            cpu_s=float(grading.submission_timeout_s),
        )

    @property
    def memory_rlimit(self) -> int:
        """The resource ``memory_mb`` bounds: RLIMIT_AS, or RLIMIT_DATA where a GPU is passed through."""
        return resource.RLIMIT_DATA if self.gpu else resource.RLIMIT_AS

    def apply(self) -> None:
        """Set in the child between fork and exec (so they bind bubblewrap and all it starts)."""
        mb = 1024 * 1024
        for limit, value in (
            (self.memory_rlimit, self.memory_mb * mb),
            (resource.RLIMIT_CPU, int(self.cpu_s) + 1),
            (resource.RLIMIT_FSIZE, self.max_file_mb * mb),
            (resource.RLIMIT_NOFILE, self.open_files),
            (resource.RLIMIT_CORE, 0),
        ):
            resource.setrlimit(limit, (value, value))
        os.setsid()


def _ancestors(path: str) -> list[str]:
    parts = Path(path).parts
    return [str(Path(*parts[: i + 1])) for i in range(1, len(parts) - 1)]


def sandbox_python() -> str:
    """This environment's interpreter by a path the sandbox can see (its folders are bound resolved)."""
    candidate = Path(sys.prefix).resolve() / "bin" / Path(sys.executable).name
    return str(candidate) if candidate.exists() else sys.executable


def _python_dirs() -> list[str]:
    """The interpreter's own tree and the environment's, whatever the layout (venv, pyenv, system)."""
    dirs = {str(Path(sys.base_prefix).resolve()), str(Path(sys.prefix).resolve())}
    exe = Path(sys.executable)
    dirs.add(str(exe.parent.resolve().parent))
    return sorted(d for d in dirs if d not in ("/", "/usr") and not d.startswith("/usr/"))


def gpu_device_nodes(dev: Path = Path("/dev")) -> tuple[tuple[str, str], ...]:
    """(path here, path in the sandbox) of each NVIDIA device node under ``dev``; none without CuPy.

    Only character devices by the driver's names count: a link, a file or a folder by such a name is
    not a GPU, and nothing else under ``dev`` is ever bound. The driver's libraries need no bind of
    their own: they live in the system folders the sandbox already shows read-only.
    """
    import importlib.util

    if importlib.util.find_spec("cupy") is None:
        return ()

    def is_node(path: Path) -> bool:
        try:
            return stat.S_ISCHR(path.lstat().st_mode)
        except OSError:
            return False

    names = [n for n in GPU_NODE_NAMES if is_node(dev / n)]
    try:
        names += sorted(e.name for e in os.scandir(dev)
                        if e.name.startswith("nvidia") and e.name[6:].isdigit() and is_node(dev / e.name))
        caps = dev / "nvidia-caps"
        if caps.is_dir() and not caps.is_symlink():
            names += sorted(f"nvidia-caps/{e.name}" for e in os.scandir(caps) if is_node(caps / e.name))
    except OSError:
        pass
    return tuple((str(dev / n), f"/dev/{n}") for n in names)


@dataclass(frozen=True)
class Sandbox:
    """How workers are started here: ``mode`` is "bubblewrap" or "none", ``reason`` says why not.

    ``gpu``: the NVIDIA device nodes passed through (``gpu_device_nodes``), empty where there is no GPU
    or no CuPy to use one.
    """

    mode: str
    reason: str = ""
    bwrap: str | None = None
    gpu: tuple[tuple[str, str], ...] = ()

    @property
    def isolated(self) -> bool:
        return self.mode == "bubblewrap"

    def limits_for(self, limits: Limits) -> Limits:
        """The limits its workers run under: RLIMIT_DATA for memory exactly where GPU nodes are passed
        through (``Limits.gpu``); every other sandbox keeps RLIMIT_AS."""
        return dataclasses.replace(limits, gpu=bool(self.gpu))

    def describe(self) -> str:
        if self.isolated:
            return "sandbox: bubblewrap (no network, no course files, private scratch folder, resource limits)"
        return f"NO SANDBOX ({self.reason}): learner code ran with process-level limits only"

    @classmethod
    def detect(cls) -> Sandbox:
        """bubblewrap if it is installed and can start a process here; else why not."""
        bwrap = shutil.which("bwrap")
        if bwrap is None:
            found = cls("none", "bubblewrap (bwrap) is not installed; on Debian: apt-get install bubblewrap")
        else:
            probe = cls("bubblewrap", bwrap=bwrap)
            with tempfile.TemporaryDirectory() as scratch:
                cmd = probe.command([sandbox_python(), "-c", "import numpy"], Path(scratch), Limits())
                try:
                    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
                except (OSError, subprocess.TimeoutExpired) as exc:
                    proc = None
                    reason = f"bubblewrap could not start a process here ({exc})"
            if proc is not None and proc.returncode == 0:
                return cls("bubblewrap", bwrap=bwrap, gpu=gpu_device_nodes())
            if proc is not None:
                reason = f"bubblewrap could not start a process here: {proc.stderr.strip()[-300:] or proc.returncode}"
            found = cls("none", reason)
        if os.environ.get(REQUIRED_ENV) == "required":
            raise RuntimeError(f"{REQUIRED_ENV}=required, but {found.reason}")
        return found

    def command(self, argv: list[str], files_dir: Path, limits: Limits, info_fd: int | None = None,
                learner: str | None = None, fork_server: bool = False) -> list[str]:
        """The full command that runs ``argv`` in the sandbox, with ``files_dir``'s files in its home.

        ``fork_server``: ``argv`` is a warm sandbox's zygote, which also needs CAP_SYS_ADMIN (a mount and
        IPC namespace per fork) and CAP_SETPCAP (to empty each fork's bounding set).
        """
        if not self.isolated:
            return argv
        cmd = [
            self.bwrap or "bwrap",
            "--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts", "--unshare-cgroup-try",
            "--die-with-parent", "--new-session",
            "--proc", "/proc", "--dev", "/dev",
            "--perms", "01777", "--size", str(Limits().scratch_mb * 1024 * 1024), "--tmpfs", "/tmp",
        ]
        for node, inside in self.gpu:
            # A device bind, not --ro-bind: bubblewrap mounts those nodev, and CUDA opens its nodes for ioctl.
            cmd.extend(["--dev-bind", node, inside])
        made: set[str] = set()

        def bind(src: str, dest: str) -> None:
            for parent in _ancestors(dest):
                if parent not in made:
                    cmd.extend(["--perms", "0755", "--dir", parent])
                    made.add(parent)
            cmd.extend(["--ro-bind", src, dest])

        for path in SYSTEM_DIRS:
            if os.path.exists(path):
                bind(path, path)
        for path in _python_dirs():
            bind(path, path)
        bind(str(GRADER_DIR / "__init__.py"), f"{SANDBOX_LIB}/grader/__init__.py")
        bind(str(LEARNER_DIR), f"{SANDBOX_LIB}/grader/learner")
        cmd.extend(["--perms", "0777", "--size", str(Limits().scratch_mb * 1024 * 1024), "--tmpfs", SANDBOX_HOME])
        for f in sorted(files_dir.iterdir()):
            cmd.extend(["--ro-bind", str(f), f"{SANDBOX_HOME}/{f.name}"])
        fonts = font_cache()
        if fonts is not None:
            # matplotlib's font list, built once here: without it every worker spends ~0.6 s rebuilding it.
            cmd.extend(["--perms", "0777", "--dir", f"{SANDBOX_HOME}/.matplotlib",
                        "--ro-bind", str(fonts), f"{SANDBOX_HOME}/.matplotlib/{fonts.name}"])
        if os.getuid() == 0:
            # bubblewrap run by root passes on all of root's capabilities unless told otherwise: only
            # what is needed to drop to an unprivileged user at start-up, which then clears them.
            cmd.extend(["--cap-drop", "ALL", "--cap-add", "CAP_SETUID", "--cap-add", "CAP_SETGID"])
            if fork_server:
                cmd.extend(["--cap-add", "CAP_SYS_ADMIN", "--cap-add", "CAP_SETPCAP"])
        if info_fd is not None:
            # bubblewrap writes {"child-pid": N} there: N is the sandbox's init, whose death ends all inside.
            cmd.extend(["--info-fd", str(info_fd)])
        cmd.extend(["--chdir", SANDBOX_HOME, "--clearenv"])
        for key, value in worker_env(self, SANDBOX_HOME, SANDBOX_LIB, limits, learner).items():
            cmd.extend(["--setenv", key, value])
        return cmd + ["--", *argv]


@functools.lru_cache(maxsize=1)
def font_cache() -> Path | None:
    """matplotlib's font list as a file the workers can read, or None if it cannot be made.

    Kept between runs in the user's cache folder, one per matplotlib version, so that a cold
    ``dlcourse grade NOTEBOOK`` neither imports matplotlib here nor rebuilds the list.
    """
    from importlib.metadata import PackageNotFoundError, version

    try:
        folder = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "dlcourse" / f"matplotlib-{version('matplotlib')}"
    except PackageNotFoundError:
        return None
    found = sorted(folder.glob("fontlist-v*.json"))
    if found:
        return found[-1]
    try:
        from matplotlib import font_manager

        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"fontlist-v{font_manager.FontManager.__version__}.json"
        partial = folder / f".{path.name}.{os.getpid()}"
        font_manager.json_dump(font_manager.fontManager, partial)
        partial.chmod(0o644)
        os.replace(partial, path)  # whole or absent: another process may be reading it
        for parent in (folder, folder.parent):
            parent.chmod(0o755)
    except Exception:  # noqa: BLE001 - only a speed-up
        return None
    return path


def worker_env(sandbox: Sandbox, home: str, lib: str, limits: Limits, learner: str | None = None) -> dict[str, str]:
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": home,
        "PYTHONPATH": lib,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "MPLBACKEND": "Agg",
        "MPLCONFIGDIR": f"{home}/.matplotlib",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "LANG": "C.UTF-8",
    }
    for key in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):  # the machine's own BLAS settings, not secrets
        if key in os.environ:
            env[key] = os.environ[key]
    if sandbox.isolated and os.getuid() == 0:
        env["DLCOURSE_SANDBOX_UID"] = str(random.randrange(*SESSION_UIDS))
    env["DLCOURSE_RLIMIT_NPROC"] = str(limits.max_processes)
    env[REFUSED_ENV] = ",".join(refused_modules())
    if learner:
        # Only for display (the personal values a quiz cell prints); grading uses the trusted side's id.
        env["DLCOURSE_LEARNER"] = learner
    return env


def unsandboxed_library(scratch: Path) -> Path:
    """For the no-sandbox fallback: a folder holding only the learner-side package, first on sys.path."""
    lib = scratch / "lib"
    (lib / "grader").mkdir(parents=True)
    shutil.copy2(GRADER_DIR / "__init__.py", lib / "grader" / "__init__.py")
    shutil.copytree(LEARNER_DIR, lib / "grader" / "learner", ignore=shutil.ignore_patterns("__pycache__"))
    return lib
