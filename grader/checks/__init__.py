"""What exercise modules are written with: finite differences, the GPU cases' machinery, the
feedback figures drawn trusted-side, the one rule for a plain number. Nothing here knows an exercise;
the exercises (``grader/exercises/``) import it, and every check is found there by name."""
