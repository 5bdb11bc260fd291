"""``python -m assessment``: the ``assessment`` command (:mod:`assessment.cli`)."""
import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
