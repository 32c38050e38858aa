"""What the app reads at run time, shipped inside the package.

Everything here is read through ``importlib.resources``, never through a path computed from
``__file__``, so it works the same from a source checkout, an installed wheel or a zip.
Standard library only: any layer may use it.
"""

from __future__ import annotations

import atexit
import shutil
from contextlib import ExitStack
from importlib.resources import as_file, files
from importlib.resources.abc import Traversable
from pathlib import Path

__all__ = [
    "APP_ICON_SIZES",
    "app_icon_files",
    "app_icon_svg",
    "copy_sample_collection",
    "sample_collection",
]

APP_ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
"""The pixel sizes the app icon ships as PNG, rendered from its SVG by scripts/render_icons.py."""

# Icons extracted from a zipped package, kept until the interpreter exits (see app_icon_files).
_extracted = ExitStack()
atexit.register(_extracted.close)


def sample_collection() -> Traversable:
    """The sample collection for the demo API, as shipped: read it, never write to it."""
    return files(__name__) / "sample-collection"


def app_icon_svg() -> Traversable:
    """The app icon as drawn: the SVG the PNGs are rendered from (for packages and themes)."""
    return files(__name__) / "icons" / "api-explorer.svg"


def app_icon_files() -> list[Path]:
    """The app icon as PNG files on disk, one per size in ``APP_ICON_SIZES``, smallest first.

    Files, because Qt opens icons by file name (``QIcon.addFile``). From a source checkout,
    an installed wheel or a PyInstaller folder they are the shipped files themselves; from a
    zip they are copies extracted on first use and deleted when the interpreter exits.
    """
    folder = files(__name__) / "icons"
    pngs = [folder / f"api-explorer-{size}.png" for size in APP_ICON_SIZES]
    on_disk = [png for png in pngs if isinstance(png, Path)]
    if len(on_disk) == len(pngs):
        return on_disk
    return [_extracted.enter_context(as_file(png)) for png in pngs]


def copy_sample_collection(target: Path) -> Path:
    """Copy the sample collection into ``target``, a folder that must not exist yet.

    The files are copied into a hidden sibling folder first, which is then renamed to
    ``target``: an interrupted copy never leaves a half collection that the next start
    would take for the user's own. Raises ``FileExistsError`` when ``target`` exists.
    """
    if target.exists():
        raise FileExistsError(f"{target} already exists, so the sample collection was not copied.")
    if not target.parent.exists():
        target.parent.mkdir(parents=True)
        target.parent.chmod(0o700)  # in the data folder: private, whatever the umask
    # A leftover from a start killed mid-copy is replaced.
    staging = target.with_name(f".{target.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(mode=0o700)
    staging.chmod(0o700)
    try:
        _copy_tree(sample_collection(), staging)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _copy_tree(source: Traversable, destination: Path) -> None:
    # Traversable, not shutil.copytree: in a zip there is no folder on disk to copy from,
    # and importlib.resources.as_file extracts whole folders only from Python 3.12 on.
    # Private, as everything in the data folder: folders 0700, files 0600, whatever the umask.
    for entry in source.iterdir():
        if entry.is_dir():
            (destination / entry.name).mkdir(mode=0o700)
            (destination / entry.name).chmod(0o700)
            _copy_tree(entry, destination / entry.name)
        else:
            path = destination / entry.name
            path.write_bytes(entry.read_bytes())
            path.chmod(0o600)
