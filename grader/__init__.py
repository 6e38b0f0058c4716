"""Grading for the course: checks, feedback, nbgrader glue, quizzes and the dlcourse command line."""
