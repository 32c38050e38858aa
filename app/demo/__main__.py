"""``python -m app.demo``: run the demo API in the foreground."""

from app.demo.server import main

raise SystemExit(main())
