"""Checks for the dropout exercise."""

CHECKS = ()
