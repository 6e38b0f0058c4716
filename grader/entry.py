"""The `dlcourse` command's entry point: for one notebook, the sandbox starts before anything else.

A cold ``dlcourse grade NOTEBOOK.ipynb`` spends most of its time importing: NumPy and matplotlib
inside the sandbox, the checks and the reference out here. Starting the sandbox first, before
the command line module's own imports, lets the two overlap.
"""

from __future__ import annotations

import sys


def main() -> int:
    args = sys.argv[1:]
    if args[:1] == ["grade"] and len(args) > 1 and args[1].endswith(".ipynb"):
        from grader.sandbox.warm import start_in_background

        start_in_background()
    from grader.cli import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
