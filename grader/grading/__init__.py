"""Grading one part: the context a check runs in (from course.yaml) and the runner that gets the right answers from the reference and judges."""
