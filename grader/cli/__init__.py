"""The command line: ``dlcourse`` (entry: the console script; main: its commands)."""
