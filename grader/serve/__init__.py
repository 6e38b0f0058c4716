"""Grading on submit (``dlcourse serve``): nbgrader's exchange watched, each submission graded by the
batch's machinery as it arrives, its feedback released for ``nbgrader fetch_feedback``."""
