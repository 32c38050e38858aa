"""InstanceLock: one process per data folder, and a crash never leaves it locked."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from app.storage.instance import InstanceLock

_HOLD = """
import sys, time
from pathlib import Path
from app.storage.instance import InstanceLock
lock = InstanceLock(Path(sys.argv[1]))
print(lock.acquire(), flush=True)
time.sleep(60)
"""


def test_a_second_lock_on_the_folder_is_refused_until_the_first_is_released(
    tmp_path: Path,
) -> None:
    first, second = InstanceLock(tmp_path), InstanceLock(tmp_path)
    assert first.acquire()
    assert not second.acquire()
    first.release()
    assert second.acquire()
    second.release()
    assert (tmp_path / "instance.lock").stat().st_mode & 0o777 == 0o600


def test_a_killed_holder_leaves_the_folder_free(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "True"
    lock = InstanceLock(tmp_path)
    assert not lock.acquire()
    holder.kill()  # SIGKILL: no clean-up code runs
    holder.wait(10)
    assert lock.acquire()
    lock.release()
