"""Starts API Explorer; everything else lives in the `app` package."""

import sys

if __name__ == "__main__":
    # A frozen build has no `python -c`: its worker processes start this program with a flag.
    if sys.argv[1:2] == ["--jq-filter-child"]:
        from app.services.filtering import run_child

        run_child()
    elif sys.argv[1:2] == ["--json-index-child"]:
        from app.services.json_index import run_child

        run_child()
    else:
        from app.cli import main

        sys.exit(main())
