"""The wheel: it carries what the app reads at run time (the sample collection, py.typed) and
nothing else, and the sample collection copies out of it even when it is imported zipped."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from email.parser import HeaderParser
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "app" / "resources" / "sample-collection"
IN_WHEEL = "app/resources/sample-collection"
# What a checkout may hold besides its sources; none of it is part of a build.
NOT_SOURCES = shutil.ignore_patterns(
    ".git", ".venv", "__pycache__", "*.egg-info", "build", "dist", ".*_cache", "*-tmp"
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel built from a copy of the checkout, as a clean clone would build it.

    A copy, because setuptools builds in the source folder and would leave build/ and
    *.egg-info there (and reuse a stale build/ into the wheel); no build isolation and no
    index, so the build is offline and takes about a second.
    """
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(REPO, source, ignore=NOT_SOURCES)
    built = subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--no-index",
            "--quiet",
            "-w",
            str(work / "dist"),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (found,) = (work / "dist").glob("api_explorer-*.whl")
    return found


def _names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


def test_every_sample_collection_file_is_in_the_wheel_unchanged(wheel: Path) -> None:
    sources = {p.relative_to(SAMPLE).as_posix(): p for p in SAMPLE.rglob("*") if p.is_file()}
    assert {"collection.yaml", "environments/demo.yaml"} <= sources.keys()
    assert "payments/list-payments.request.yaml" in sources
    with zipfile.ZipFile(wheel) as archive:
        shipped = {
            name.removeprefix(f"{IN_WHEEL}/"): archive.read(name)
            for name in archive.namelist()
            if name.startswith(f"{IN_WHEEL}/")
        }
    assert shipped.keys() == sources.keys()
    for relative, path in sources.items():
        assert shipped[relative] == path.read_bytes(), relative


def test_the_wheel_carries_the_typing_marker_and_the_resources_accessor(wheel: Path) -> None:
    names = _names(wheel)
    assert "app/py.typed" in names
    assert "app/resources/__init__.py" in names


def test_the_wheel_carries_the_package_and_its_metadata_only(wheel: Path) -> None:
    names = _names(wheel)
    tops = {name.split("/")[0] for name in names}
    assert len(tops) == 2 and {t for t in tops if not t.endswith(".dist-info")} == {"app"}
    strays = [n for n in names if "__pycache__" in n or n.endswith((".pyc", ".orig", ".rej"))]
    assert strays == []
    assert not [n for n in names if n.startswith(("app/tests/", "tests/", "build/"))]


def test_the_metadata_has_the_spdx_license_and_the_command(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        info = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        metadata = HeaderParser().parsestr(archive.read(info).decode("utf-8"))
        entry_points = archive.read(info.replace("METADATA", "entry_points.txt")).decode()
    assert metadata["License-Expression"] == "MIT"
    commands = entry_points.partition("[console_scripts]")[2].partition("\n[")[0]
    assert "\napi-explorer = app." in commands


def test_the_sample_collection_copies_out_of_the_zipped_wheel(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "collections" / "demo-api"
    # -S: no site-packages, so the checkout's editable install cannot stand in for the
    # wheel; app.resources needs the standard library only.
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import pathlib, app.resources as r; "
        "assert r.__file__.startswith(sys.argv[1]), r.__file__; "
        "r.copy_sample_collection(pathlib.Path(sys.argv[2]))"
    )
    copied = subprocess.run(
        [sys.executable, "-S", "-c", script, str(wheel), str(target)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        cwd=tmp_path,
        env={k: v for k, v in os.environ.items() if k != "PYTHONPATH"},
    )
    assert copied.returncode == 0, copied.stderr
    expected = sorted(p.relative_to(SAMPLE) for p in SAMPLE.rglob("*"))
    assert sorted(p.relative_to(target) for p in target.rglob("*")) == expected
    for path in SAMPLE.rglob("*.yaml"):
        assert (target / path.relative_to(SAMPLE)).read_bytes() == path.read_bytes()
    assert [p.name for p in target.parent.iterdir()] == ["demo-api"]
