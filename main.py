"""Starts API Explorer; everything else lives in the `app` package."""

import sys

from app.cli import main

if __name__ == "__main__":
    sys.exit(main())
