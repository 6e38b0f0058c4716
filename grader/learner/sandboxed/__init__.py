"""What runs inside bubblewrap: the worker that runs a learner's code, the zygote that forks it, its figure capture."""
