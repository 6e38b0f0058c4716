"""What the exercises' plots share (``_common``) and plots any exercise can use (``generic``).

Each exercise's own pictures live in its learner-side module, ``grader/learner/exercises/<id>.py``;
every public plot takes the learner's functions as arguments, computes what it needs from them,
draws one figure and shows it, and never raises (``_common.friendly``). Nothing here knows an
answer: a picture that needs a graded value (a probability from a logit, a loss) asks the learner's
own function for it.
"""
