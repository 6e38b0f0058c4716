"""Checks for the backprop exercise."""

CHECKS = ()
