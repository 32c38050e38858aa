"""What starting the app imports: modules only some actions need stay out of the start
(httpx's own command line: click, rich and pygments, 56 ms when a development venv has
them; msgspec, for huge bodies only, 7 ms; JSONPath and regex, for assertions and filters)."""

from __future__ import annotations

import os
import subprocess
import sys

LATER = ("rich", "click", "pygments", "msgspec", "jsonpath", "regex", "jq")


def test_starting_imports_only_what_the_window_needs() -> None:
    code = (
        "import sys; import app.launch, app.application, httpx; "
        f"print(sorted(m for m in {LATER!r} if m in sys.modules), callable(httpx.main))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )
    assert done.stdout.split() == ["[]", "True"]
