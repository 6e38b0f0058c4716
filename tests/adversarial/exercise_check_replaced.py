"""Replaces the notebook's grading hooks with lambdas that return a full (or absurd) score.

attack: sets Exercise.check and Exercise.grade (and the bound exercise.check/grade) to lambdas returning 100 or -1.0, right after the set-up cell, hoping the test cells' calls report that instead of judging
class: patching
honest: sigmoid
"""

# %% +after setup
from grader.learner.kernel import notebook as _nbmod

Exercise.check = lambda self, part: 100
Exercise.grade = lambda self, part, *a, **k: 100.0
_nbmod.Exercise.check = lambda self, part: -1.0
exercise.check = lambda part: 100
exercise.grade = lambda part, *a, **k: 100.0

# %% relu_code
def relu(z):
    return None


exercise.grade = lambda *a, **k: -1.0
