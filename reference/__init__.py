"""The NumPy/array-API reference implementation every grade is measured against.

One module per exercise, ``reference/<id>.py``, each defining exactly the learner-facing functions
of the contract in README.md; imported by name (``from reference import <id>``), never listed here.
Never shipped to learners.
"""
