"""The course file: course.yaml typed and checked, and its agreement with the notebooks."""
