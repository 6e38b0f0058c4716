"""The warm sandbox of a batch: one zygote, a fork per submission, and nothing of one learner in the next.

Each fact is checked from inside a later fork of the same zygote, which is where a leak would show.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from grader.sandbox.forked import ForkedSession
from grader.sandbox.launch import FORK_UIDS, Limits, Sandbox
from grader.sandbox.warm import WarmSandbox

SANDBOX = Sandbox.detect()
pytestmark = pytest.mark.skipif(not WarmSandbox.usable(SANDBOX),
                                reason=f"a warm sandbox needs bubblewrap run as root ({SANDBOX.describe()})")


@pytest.fixture(scope="module")
def warm():
    with WarmSandbox(SANDBOX) as w:
        yield w


def _run(warm: WarmSandbox, source: str, limits: Limits = Limits(), **kwargs) -> tuple[str, ForkedSession]:
    with ForkedSession(warm, limits, {}, learner="x", **kwargs) as session:
        run = session.run_cell("c", source, 30)
        return (run.stdout if run.status == "ok" else f"{run.status}: {run.error}"), session


def _json(warm: WarmSandbox, source: str) -> object:
    out, _ = _run(warm, source)
    return json.loads(out.strip().splitlines()[-1])


def test_each_fork_is_an_unprivileged_user_of_its_own(warm) -> None:
    uids = [_json(warm, "import os, json; print(json.dumps(os.getuid()))") for _ in range(3)]
    assert all(uid >= 200_000 for uid in uids) and len(set(uids)) == 3


def test_a_fork_holds_nothing_of_the_zygote_but_its_own_two_pipes(warm) -> None:
    fds = _json(warm, "import os, json\n"
                      "links = {}\n"
                      "for f in os.listdir('/proc/self/fd'):\n"
                      "    try:\n"
                      "        links[f] = os.readlink(f'/proc/self/fd/{f}')\n"
                      "    except OSError:\n"
                      "        pass  # the listing's own descriptor, closed by now\n"
                      "print(json.dumps(links))")
    links = [link for fd, link in fds.items() if int(fd) > 2]
    assert not [link for link in links if link.startswith("socket:")], fds  # no control socket
    assert len([link for link in links if link.startswith("pipe:")]) == 2, fds


def test_nothing_a_learner_leaves_reaches_the_next_one(warm) -> None:
    first, _ = _run(warm, """
import os, subprocess, numpy, sys
open('/tmp/planted.txt', 'w').write('secret')
try:
    open('/dev/shm/planted', 'w').write('secret')
except PermissionError:
    pass  # not writable in the sandbox at all
open(os.path.expanduser('~/planted'), 'w').write('secret')
subprocess.Popen(['/usr/bin/sleep', '600'], start_new_session=True)
if os.fork() == 0:
    os.setsid()
    import time
    time.sleep(600)
numpy.sum = lambda *a, **k: 42
print(os.getuid())
""")
    uid = int(first.strip().splitlines()[-1])
    found = _json(warm, f"""
import os, json, glob, numpy
others = []
for status in glob.glob('/proc/[0-9]*/status'):
    try:
        fields = dict(line.split(':', 1) for line in open(status) if ':' in line)
    except OSError:
        continue
    if int(fields['Uid'].split()[0]) == {uid}:
        others.append(status)
print(json.dumps({{
    'files': [p for p in ('/tmp/planted.txt', '/dev/shm/planted', '/tmp/learner-{uid}') if os.path.exists(p)],
    'processes': others,
    'numpy_sum': int(numpy.sum([1, 2])),
}}))
""")
    assert found == {"files": [], "processes": [], "numpy_sum": 3}


def test_each_fork_has_the_submission_limits(warm) -> None:
    out, _ = _run(warm, "x = bytearray(900 * 1024 * 1024)\nprint('allocated')", Limits(memory_mb=512))
    assert "MemoryError" in out or "crashed" in out, out
    out, session = _run(warm, "while True:\n    pass", Limits(cpu_s=2), deadline_s=60)
    assert "crashed" in out and "CPU" in out, out
    out, _ = _run(warm, """
import os
born = 0
for _ in range(200):
    try:
        if os.fork() == 0:
            import time; time.sleep(5); os._exit(0)
        born += 1
    except OSError:
        break
print(born)
""", Limits(max_processes=16))
    assert int(out.strip()) < 16, out


def test_a_crashed_fork_is_replaced_and_its_finished_cells_run_again(warm) -> None:
    with ForkedSession(warm, Limits(), {}, learner="x") as session:
        assert session.run_cell("a", "def f():\n    return 7", 10).status == "ok"
        crash = session.run_cell("b", "import os\nos._exit(3)", 10)
        assert crash.status == "crashed" and "exit status 3" in crash.error
        assert session.run_cell("c", "print(f())", 10).stdout.strip() == "7"
        assert session.restarts == 1


def test_single_use_sandbox_defers_pyplot_until_a_learner_draws(warm) -> None:
    with WarmSandbox(SANDBOX, single_use=True) as single:
        out, _ = _run(single, "import sys, matplotlib.pyplot as plt\n"
                              "print(type(sys.modules['matplotlib.pyplot']).__name__)\n"
                              "fig = plt.figure()\n"
                              "print(type(sys.modules['matplotlib.pyplot']).__name__, type(fig).__name__)")
    assert out.split() == ["_DeferredModule", "module", "Figure"], out


def _zygote(warm: WarmSandbox) -> int:
    """The zygote's pid on this side of the wall (the only child of the sandbox's init)."""
    init = warm._init_pid
    assert init
    return int(Path(f"/proc/{init}/task/{init}/children").read_text().split()[0])


LIBC = "import ctypes, ctypes.util, errno, json, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"

LEAVE_EVERYTHING = LIBC + r"""
mq = libc.mq_open(b'/planted', os.O_CREAT | os.O_RDWR, 0o600, None)
assert mq >= 0, errno.errorcode[ctypes.get_errno()]
shm = libc.shmget(0x5eed, 4096, 0o1000 | 0o600)  # IPC_CREAT
assert shm >= 0, errno.errorcode[ctypes.get_errno()]
from pathlib import Path
Path('/tmp/planted.txt').write_text('secret')
# A folder the learner's own user cannot open any more, where clean-up by removal used to stop.
os.makedirs('/tmp/locked/inner')
Path('/tmp/locked/inner/secret').write_text('secret')
os.chmod('/tmp/locked/inner', 0)
try:
    Path('/dev/shm/planted').write_text('secret')
except PermissionError:
    pass
home = os.path.expanduser('~')
Path(home, 'planted').write_text('secret')
Path(home, '.config').mkdir()
Path(home, '.config', 'planted').write_text('secret')
print(json.dumps(home))
"""

LOOK_FOR_IT = LIBC + r"""
from pathlib import Path
mq = libc.mq_open(b'/planted', os.O_RDONLY)
mq_errno = ctypes.get_errno()
shm = libc.shmget(0x5eed, 0, 0)
shm_errno = ctypes.get_errno()
home = os.path.expanduser('~')
print(json.dumps({
    'mq': errno.errorcode.get(mq_errno) if mq < 0 else 'opened',
    'shm': errno.errorcode.get(shm_errno) if shm < 0 else 'found',
    'sysv_rows': sum(len(Path(f'/proc/sysvipc/{k}').read_text().splitlines()) - 1 for k in ('shm', 'msg', 'sem')),
    'tmp': sorted(os.listdir('/tmp')),
    'dev_shm': sorted(os.listdir('/dev/shm')),
    'home': sorted(os.listdir(home)),
    'old_home': [p for p in (PREVIOUS + '/planted', PREVIOUS + '/.config') if os.path.exists(p)],
}))
"""


def test_no_ipc_object_or_file_of_a_learner_reaches_the_next_fork(warm) -> None:
    home = _json(warm, LEAVE_EVERYTHING)
    found = _json(warm, f"PREVIOUS = {home!r}\n" + LOOK_FOR_IT)
    assert found == {"mq": "ENOENT", "shm": "ENOENT", "sysv_rows": 0, "tmp": [], "dev_shm": [],
                     "home": [".matplotlib"], "old_home": []}


FILL_TMP = r"""
import errno, os
os.makedirs('/tmp/full/locked')
chunk = b'x' * (1 << 20)
n = 0
try:
    while True:
        with open(f'/tmp/full/locked/{n}', 'wb') as f:
            for _ in range(32):
                f.write(chunk)
        n += 1
except OSError as exc:
    assert exc.errno == errno.ENOSPC, exc
os.chmod('/tmp/full/locked', 0)
os.chmod('/tmp/full', 0)
print('full')
"""


def test_a_learner_who_fills_tmp_and_locks_it_does_not_stop_the_next_ones(warm) -> None:
    out, _ = _run(warm, FILL_TMP)
    assert out.strip() == "full", out
    for i in range(3):
        # With the assignment's public files, as in a batch: they go into the fork's home.
        with ForkedSession(warm, Limits(), {"public.json": b"[6, 7]"}, learner="x") as session:
            run = session.run_cell("c", f"import json\nfrom pathlib import Path\nPath('/tmp/mine').write_text('{i}')\n"
                                        "a, b = json.loads(Path('public.json').read_text())\n"
                                        "print(Path('/tmp/mine').read_text(), a * b)", 30)
        assert run.status == "ok" and run.stdout.split() == [str(i), "42"], run


def test_a_slot_found_unclean_before_a_fork_is_replaced(warm) -> None:
    with WarmSandbox(SANDBOX) as own:
        assert _json(own, "print(1)") == 1
        first = own._init_pid
        # Nothing a fork can do reaches the zygote's own /tmp; from outside, a leftover can be put there.
        Path(f"/proc/{_zygote(own)}/root/tmp/leftover").write_text("secret")
        assert _json(own, "import os, json; print(json.dumps(os.listdir('/tmp')))") == []
        assert own._init_pid != first
        assert len(own.replaced) == 1 and "/tmp" in own.replaced[0], own.replaced


SHMGET = "import ctypes; assert ctypes.CDLL(None).shmget(0x1eaf, 4096, 0o1000 | 0o600) >= 0"


@pytest.mark.skipif(shutil.which("nsenter") is None, reason="needs nsenter to plant the leftover")
@pytest.mark.parametrize("leftover", ["sysv shared memory in the zygote's IPC namespace",
                                      "a live process of another fork user"])
def test_a_slot_left_unclean_after_reaping_is_thrown_away(leftover: str) -> None:
    with WarmSandbox(SANDBOX) as own:
        planted = None
        with ForkedSession(own, Limits(), {}, learner="x") as session:
            assert session.run_cell("a", "x = 1", 10).status == "ok"
            zygote = str(_zygote(own))
            if leftover.startswith("sysv"):
                subprocess.run(["nsenter", "-t", zygote, "--ipc", sys.executable, "-c", SHMGET], check=True)
            else:
                uid = str(FORK_UIDS[1] - 1)
                planted = subprocess.Popen(["nsenter", "-t", zygote, "--pid", "--setuid", uid, "--setgid", uid,
                                            "/usr/bin/sleep", "600"])
                for _ in range(100):
                    if subprocess.run(["pgrep", "-u", uid, "sleep"], capture_output=True).returncode == 0:
                        break
                    subprocess.run(["sleep", "0.05"])
        try:
            assert not own.alive, "the slot should be thrown away as soon as reaping finds it unclean"
            assert len(own.replaced) == 1, own.replaced
            out = _json(own, "import json, pathlib\n"
                             "print(json.dumps(len(pathlib.Path('/proc/sysvipc/shm').read_text().splitlines()) - 1))")
            assert out == 0
        finally:
            if planted is not None:
                if planted.poll() is None:
                    planted.send_signal(signal.SIGKILL)
                planted.wait()


def test_a_worker_that_cannot_start_is_tried_once_more_on_a_fresh_slot() -> None:
    from grader.sandbox.launch import WorkerCouldNotStart

    with WarmSandbox(SANDBOX) as own:
        # No file may be written, so the fork cannot put the assignment's files into its home.
        with pytest.raises(WorkerCouldNotStart, match="^the grading worker could not start: .*File too large"):
            with ForkedSession(own, Limits(max_file_mb=0), {"public.json": b"[6, 7]"}, learner="x"):
                pass
        assert len(own.replaced) == 1, own.replaced
        assert _json(own, "print(6 * 7)") == 42


CAPS_AND_MOUNTS = LIBC + r"""
status = dict(line.split(':\t', 1) for line in open('/proc/self/status').read().splitlines())
caps = {key: int(value, 16) for key, value in status.items() if key.startswith('Cap')}
def attempt(result):
    return 'ok' if result == 0 else errno.errorcode[ctypes.get_errno()]
print(json.dumps({
    'caps': caps,
    'mount': attempt(libc.mount(b'none', b'/tmp', b'tmpfs', 0, None)),
    'umount': attempt(libc.umount2(b'/tmp', 2)),  # MNT_DETACH
    'unshare_mnt': attempt(libc.unshare(0x00020000)),
    'unshare_ipc': attempt(libc.unshare(0x08000000)),
    'no_new_privs': status['NoNewPrivs'].strip(),
}))
"""


def test_a_fork_has_no_capabilities_and_cannot_mount_or_unshare(warm) -> None:
    found = _json(warm, CAPS_AND_MOUNTS)
    assert found == {"caps": {"CapInh": 0, "CapPrm": 0, "CapEff": 0, "CapBnd": 0, "CapAmb": 0},
                     "mount": "EPERM", "umount": "EPERM", "unshare_mnt": "EPERM", "unshare_ipc": "EPERM",
                     "no_new_privs": "1"}


def test_each_fork_has_mount_and_ipc_namespaces_of_its_own(warm) -> None:
    source = "import os, json; print(json.dumps([os.readlink(f'/proc/self/ns/{k}') for k in ('mnt', 'ipc')]))"
    # Both alive at once: a namespace's number is used again once it is gone.
    with ForkedSession(warm, Limits(), {}, learner="x") as one, ForkedSession(warm, Limits(), {}, learner="y") as two:
        first, second = (json.loads(s.run_cell("c", source, 10).stdout) for s in (one, two))
    zygote = [os.readlink(f"/proc/{_zygote(warm)}/ns/{k}") for k in ("mnt", "ipc")]
    assert first[0] != second[0] and first[1] != second[1], (first, second)
    assert zygote[0] not in (first[0], second[0]) and zygote[1] not in (first[1], second[1])


def test_figures_and_the_font_list_work_in_a_fork_with_a_home_of_its_own(warm) -> None:
    found = _json(warm, r"""
import io, json, os, stat, matplotlib
import matplotlib.pyplot as plt
from matplotlib import font_manager
fig, ax = plt.subplots()
ax.plot([1, 2, 3]); ax.set_title('loss')
png = io.BytesIO(); fig.savefig(png, format='png')
home = os.path.expanduser('~')
st = os.stat(home)
config = matplotlib.get_configdir()
print(json.dumps({
    'png': png.getvalue()[:4].hex(),
    'fonts': len(font_manager.fontManager.ttflist) > 0,
    'font': os.path.exists(font_manager.findfont('DejaVu Sans', rebuild_if_missing=False)),
    'config_in_home': config.startswith(home + '/') and os.access(config, os.W_OK),
    'font_list_cached': any(n.startswith('fontlist-') for n in os.listdir(config)),
    'home_mode': oct(stat.S_IMODE(st.st_mode)), 'home_mine': st.st_uid == os.getuid(),
}))
""")
    assert found == {"png": "89504e47", "fonts": True, "font": True, "config_in_home": True,
                     "font_list_cached": True, "home_mode": "0o700", "home_mine": True}
