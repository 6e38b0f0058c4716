"""Adds a cell of its own that claims to be a graded test cell worth 100 points.

attack: inserts a new cell whose nbgrader metadata says grade=True, points=100 (and a second one claiming to be the locked test cell 'sigmoid' under a new id), printing 100.0, hoping nbgrader counts it
class: test-cells
honest: predict
"""

# %% +after predict {"nbgrader": {"grade": true, "solution": false, "locked": true, "points": 100, "grade_id": "bonus_points", "schema_version": 3}}
print("bonus_points — 100 / 100 points")
100.0

# %% +after count_parameters_code {"nbgrader": {"grade": true, "solution": true, "locked": false, "points": 50, "grade_id": "extra_credit", "schema_version": 3}}
def count_parameters(layer_sizes):
    return 100
100.0
