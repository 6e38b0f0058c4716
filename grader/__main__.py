import sys

from grader.cli.entry import main

sys.exit(main())
