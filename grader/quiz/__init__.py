"""Auto-graded quizzes: YAML question files, safe answer checking, nbgrader notebooks.

- ``load``: quiz files -> validated ``Quiz`` objects (``load_quiz``; ``load_course_quizzes``, the only source of a course's quizzes)
- ``checking``: one answer -> score and feedback (``grade``, ``expected_answer``)
- ``symbolic``: whitelisted parsing and time-limited equivalence of expressions
- ``variants``: per-learner parameters from a stable hash
- ``compute``: reference-backed answers of "compute it" questions
- ``notebook``: a quiz -> an nbgrader source notebook
- ``runtime``: the right answer in source notebooks (``solution``); learners' cells call ``grader.learner.kernel.quiz``
"""
