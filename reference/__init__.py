"""The NumPy/array-API reference implementation every grade is measured against.

One module per exercise, each defining exactly the learner-facing functions
of the contract in README.md. Never shipped to learners.
"""

from reference import backprop, bce, dropout, gradient_descent, perceptron

__all__ = ["backprop", "bce", "dropout", "gradient_descent", "perceptron"]
