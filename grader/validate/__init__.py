"""dlcourse validate: course.yaml against every notebook and formula (consistency), and every check against the reference and its known mistakes (checks)."""
