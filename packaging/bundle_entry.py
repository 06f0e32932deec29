"""The bundle's launcher: the same ``labeler`` command as ``pip install`` gives."""

import sys

from labeler.cli import main

if __name__ == "__main__":
    sys.exit(main())
