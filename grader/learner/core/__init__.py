"""The answer-free judging core both sides import: the wire, calls, comparison, judging, the check model."""
