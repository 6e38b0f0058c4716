"""Checks for the bce exercise."""

CHECKS = ()
