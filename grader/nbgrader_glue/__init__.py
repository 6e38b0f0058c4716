"""Trusted grading of submitted notebooks: the sandboxed run and nbgrader's preprocessor for it."""
