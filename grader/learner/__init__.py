"""What runs next to learner code: in the learner's own kernel and inside the grading sandbox.

Nothing in this package knows an answer, and it imports only the standard
library, NumPy (matplotlib for plots) and itself; ``tests/test_layout.py``
enforces that. The trusted side (``grader.checks``, ``reference``) imports
from here, never the reverse.
"""
