"""The `dlcourse` command's entry point: for one notebook, the sandbox starts before anything else.

A cold ``dlcourse grade NOTEBOOK.ipynb`` spends most of its time importing: NumPy inside the
sandbox, the checks and the reference out here. Starting the sandbox first, before the command
line module's own imports, lets the two overlap.
"""

from __future__ import annotations

import sys

from grader.nbgrader_glue.library import enter_without_server_extensions, skip_unused_format_checkers


def main() -> int:
    skip_unused_format_checkers()
    enter_without_server_extensions()
    args = sys.argv[1:]
    if args[:1] == ["grade"] and len(args) > 1 and "--dask" not in args:
        from grader.sandbox.warm import start_in_background

        start_in_background(single_use=args[1].endswith(".ipynb"))
    from grader.cli.main import main as cli_main

    return cli_main(args)


if __name__ == "__main__":
    sys.exit(main())
