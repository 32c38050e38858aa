"""The packages' recipe and what they carry, checked without PyInstaller: the desktop entry,
the AppStream metadata, the PyInstaller spec, the app icon, and ``--self-test`` from the
source tree (what ``make package`` runs in the built app)."""

from __future__ import annotations

import configparser
import os
import re
import shutil
import struct
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path
from typing import Any

import pytest

from app.resources import APP_ICON_SIZES, app_icon_files, app_icon_svg

# The module-scoped wheel built from a copy of the checkout (about a second).
from tests.test_packaging import wheel as wheel

REPO = Path(__file__).resolve().parent.parent
PACKAGING = REPO / "packaging"
DESKTOP = PACKAGING / "linux" / "api-explorer.desktop"
METAINFO = PACKAGING / "linux" / "api-explorer.metainfo.xml"
SPEC = PACKAGING / "api-explorer.spec"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _project() -> dict[str, Any]:
    with (REPO / "pyproject.toml").open("rb") as file:
        project: dict[str, Any] = tomllib.load(file)["project"]
    return project


def _desktop_entry() -> configparser.SectionProxy:
    # Desktop entries are key=value groups like INI files, but keys are case-sensitive and
    # values are never interpolated.
    parser = configparser.ConfigParser(interpolation=None, delimiters=("=",))
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(DESKTOP.read_text(encoding="utf-8"), source=str(DESKTOP))
    return parser["Desktop Entry"]


def test_the_desktop_entry_starts_the_command_with_the_app_icon() -> None:
    entry = _desktop_entry()
    for key in ("Type", "Name", "Exec", "Icon", "Categories"):
        assert entry.get(key, "").strip(), f"{DESKTOP.name} has no {key}"
    assert entry["Type"] == "Application"
    command = entry["Exec"].split()[0]
    assert command in _project()["scripts"], "Exec must start the installed command"
    # Desktops look the icon up by name in the icon theme; the build installs it under that name.
    assert entry["Icon"] == app_icon_svg().name.removesuffix(".svg")
    categories = entry["Categories"]
    assert categories.endswith(";") and "Development" in categories.split(";")
    assert entry.get("Terminal") == "false"


@pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None, reason="desktop-file-validate not installed"
)
def test_the_desktop_entry_passes_desktop_file_validate() -> None:
    checked = subprocess.run(
        ["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, check=False
    )
    assert checked.returncode == 0 and not checked.stdout.strip(), checked.stdout


def test_the_appstream_metadata_names_the_app_its_entry_command_and_version() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    component_id = root.findtext("id")
    assert component_id and METAINFO.name == f"{component_id}.metainfo.xml"
    assert root.findtext("name") == _desktop_entry()["Name"]
    summary = root.findtext("summary") or ""
    assert summary and not summary.endswith("."), "AppStream summaries end without a full stop"
    launchable = root.find("launchable")
    assert launchable is not None and launchable.get("type") == "desktop-id"
    assert launchable.text == DESKTOP.name
    assert root.findtext("provides/binary") in _project()["scripts"]
    assert root.findtext("project_license") == _project()["license"]
    newest = root.find("releases/release")
    assert newest is not None and newest.get("version") == _project()["version"]


def test_the_pyinstaller_spec_compiles_and_ships_every_resource_folder() -> None:
    source = SPEC.read_text(encoding="utf-8")
    compile(source, str(SPEC), "exec")
    with (REPO / "pyproject.toml").open("rb") as file:
        package_data = tomllib.load(file)["tool"]["setuptools"]["package-data"]["app.resources"]
    # What the wheel ships from app/resources must reach the one-folder app too.
    for pattern in package_data:
        folder = pattern.split("/")[0]
        assert f'"app/resources/{folder}"' in source, f"the spec leaves out {folder}"
    assert "main.py" in source


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    length, chunk = struct.unpack(">I4s", data[8:16])
    assert chunk == b"IHDR" and length == 13
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_icon_ships_as_svg_and_a_png_of_each_size() -> None:
    files = app_icon_files()
    assert [_png_size(path.read_bytes()) for path in files] == [(s, s) for s in APP_ICON_SIZES]
    svg = ET.fromstring(app_icon_svg().read_bytes())
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.get("viewBox") == "0 0 64 64"


def test_every_icon_file_is_in_the_wheel_unchanged(wheel: Path) -> None:
    icons = REPO / "app" / "resources" / "icons"
    with zipfile.ZipFile(wheel) as archive:
        for path in sorted(icons.iterdir()):
            assert archive.read(f"app/resources/icons/{path.name}") == path.read_bytes()


def test_the_icon_files_come_out_of_the_zipped_wheel_and_go_at_exit(wheel: Path) -> None:
    # -S: no site-packages, so the checkout's editable install cannot stand in for the wheel.
    script = (
        "import sys; sys.path.insert(0, sys.argv[1]); import app.resources as r; "
        "assert r.__file__.startswith(sys.argv[1]), r.__file__; "
        "print('\\n'.join(str(p) for p in r.app_icon_files())); "
        "print(''.join(p.read_bytes().hex() for p in r.app_icon_files()[:1]))"
    )
    done = subprocess.run(
        [sys.executable, "-S", "-c", script, str(wheel)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    *paths, first = done.stdout.splitlines()
    assert len(paths) == len(APP_ICON_SIZES)
    assert bytes.fromhex(first) == app_icon_files()[0].read_bytes()
    assert not [p for p in paths if Path(p).exists()], "extracted icons outlived the process"


_SELF_TEST = "import sys; from app.self_test import self_test; sys.exit(self_test())"
# The same, with the window's first request changed to one the demo API answers with 404.
_SELF_TEST_404 = """
import pathlib, sys
import app.application
from app.self_test import self_test
assert hasattr(app.application, "DEMO_FIRST_REQUEST_FILE")
app.application.DEMO_FIRST_REQUEST_FILE = pathlib.Path("payments/get-missing-payment.request.yaml")
sys.exit(self_test())
"""


def _run_self_test(script: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        QT_QPA_PLATFORM="offscreen",
        API_EXPLORER_HOME=str(home),
        API_EXPLORER_KEYRING="off",
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=90,
        check=False,
    )


def test_self_test_sends_the_first_request_to_the_demo_and_exits_0(explorer_home: Path) -> None:
    done = _run_self_test(_SELF_TEST, explorer_home)
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.fullmatch(r"self-test: 200 OK in \d+ ms\n", done.stdout), done.stdout
    # It ran in a data folder of its own: the user's is neither read nor written.
    assert not explorer_home.exists()


def test_self_test_says_why_and_exits_1_when_the_demo_does_not_answer_200(
    explorer_home: Path,
) -> None:
    done = _run_self_test(_SELF_TEST_404, explorer_home)
    assert done.returncode == 1, done.stdout + done.stderr
    assert done.stdout == ""
    assert re.search(
        r"self-test: failed: the demo API answered 404 Not Found in \d+ ms", done.stderr
    )
