"""What starting the app imports: httpx's own command line is never loaded (56 ms a start
when click, rich and pygments are installed, as in a development venv)."""

from __future__ import annotations

import subprocess
import sys


def test_starting_does_not_import_httpx_command_line() -> None:
    code = (
        "import sys; from app.cli import _import_before_qt; _import_before_qt(); "
        "import httpx; "
        "print(sorted(m for m in ('rich', 'click', 'pygments') if m in sys.modules), "
        "callable(httpx.main))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["[]", "True"]
