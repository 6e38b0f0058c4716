"""The warm sandbox of a batch: one zygote, a fork per submission, and nothing of one learner in the next.

Each fact is checked from inside a later fork of the same zygote, which is where a leak would show.
"""

from __future__ import annotations

import json

import pytest

from grader.sandbox.forked import ForkedSession
from grader.sandbox.launch import Limits, Sandbox
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
