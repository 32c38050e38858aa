"""Regression guard: PySide6 6.12.0 on CPython 3.11 aborts the interpreter with
"Fatal Python error: none_dealloc" after about 5,000 calls of wrapped void methods.
pyproject.toml pins around it. The calls run in a child process so that an abort fails
this test with the reason instead of killing the whole test run."""

import os
import subprocess
import sys

_SCRIPT = """
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
label = QLabel()
for i in range(20_000):
    label.setText(str(i))
    label.setVisible(False)
print(label.text())
"""


def test_twenty_thousand_void_calls_do_not_abort() -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "19999"
