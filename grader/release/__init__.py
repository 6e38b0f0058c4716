"""The release: what a notebook must and must not hold, the public data frozen with it, the learner environment."""
