"""The learner-side half of each exercise: one module per exercise, found by its assignment id.

``grader/learner/exercises/<id>.py`` is the twin of the trusted ``grader/exercises/<id>.py`` and,
like everything under ``grader.learner``, imports nothing that knows an answer. It holds what runs
next to the learner's code for that exercise, each optional:

* its plots, called from the notebook (``from grader.learner.exercises import <id> as plots``) and
  listed in its ``__all__``;
* ``PROBES``: part id -> the ``Probe``s of a part judged by properties (random layers), and
  ``SHAPES``: part id -> the shape of that part's result (``Check.shape_of``, for the trivial floor);
* ``STAND_INS``: name -> a scaffold helper's stand-in while an earlier part is graded, named in a
  check as ``"<id>.<name>"`` (``Check.stand_in``, ``Check.stand_ins``);
* ``BUILDERS``: name -> a function that rebuilds a function argument from plain data on whichever
  side calls the learner (``grader.learner.core.wire.Rebuilt``).

A name that the module does not declare in the right mapping is refused: nothing is looked up by
``getattr`` from data, so a frame from the worker can only name what a module declares.
"""
# Found by name through grader.learner.core.found: this package lists none of its modules.
