"""Checks for the gradient_descent exercise."""

CHECKS = ()
