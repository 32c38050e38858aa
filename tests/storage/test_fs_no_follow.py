"""Opening and walking paths inside a folder someone else made, without following links."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from app.storage.fs import first_link, is_link, open_no_follow


def test_first_link_names_the_first_link_below_the_trusted_folder(tmp_path: Path) -> None:
    (tmp_path / "outside").mkdir()
    (tmp_path / "root" / "a").mkdir(parents=True)
    os.symlink(tmp_path / "outside", tmp_path / "root" / "a" / "b")
    os.symlink(tmp_path / "root", tmp_path / "chosen")  # the trusted folder may be a link

    assert first_link(tmp_path / "chosen", Path("a/b/c/d.yaml")) == Path("a/b")
    assert first_link(tmp_path / "chosen", Path("a/b")) == Path("a/b")
    assert first_link(tmp_path / "chosen", Path("a/missing/x")) is None
    assert first_link(tmp_path / "chosen", Path(".")) is None
    assert is_link(os.lstat(tmp_path / "chosen")) and not is_link(os.lstat(tmp_path / "root"))


def test_open_no_follow_reads_regular_files_only(tmp_path: Path) -> None:
    (tmp_path / "file").write_bytes(b"data")
    os.symlink(tmp_path / "file", tmp_path / "link")

    with open_no_follow(tmp_path / "file") as handle:
        assert handle.read() == b"data"
    with pytest.raises(OSError) as caught:
        open_no_follow(tmp_path / "link")
    assert caught.value.errno == errno.ELOOP
    with pytest.raises(OSError) as caught:
        open_no_follow(tmp_path)
    assert caught.value.errno == errno.EINVAL


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_open_no_follow_refuses_a_named_pipe_at_once(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe")
    with pytest.raises(OSError) as caught:
        open_no_follow(tmp_path / "pipe")  # would wait for a writer without O_NONBLOCK
    assert caught.value.errno == errno.EINVAL
