"""Helpers of the learner's own kernel: the self-check, the quiz form checks, the plots."""
