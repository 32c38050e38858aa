"""The only layer that knows httpx: builds wire requests, sends them, maps failures to ours."""

import sys

# httpx's __init__ imports its own command line (``httpx._main``) whenever click, rich and
# pygments happen to be installed (import-linter brings them into a development venv):
# 56 ms of every start, for a command this app never runs. ``None`` in sys.modules makes
# that import fail at once, and httpx falls back to a stub ``main`` as it does without them.
if "httpx" not in sys.modules:
    sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
