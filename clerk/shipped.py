"""Where the data shipped with clerk lives (catalog, calendars, categories, fonts).

The repository's top-level ``data/`` folder is the ``clerk._data`` package of
the wheel (``package-dir`` in pyproject.toml), so an installed clerk reads it
through :mod:`importlib.resources` from any folder.  A hall's own folders
override it through the configuration (``catalog_dir``, ``calendar_dir``,
``[complaints]``, ``font_path``).
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from pathlib import Path

PACKAGE = "clerk._data"

# The checkout this module runs from, if any (editable installs made before the
# package-dir mapping existed find ``data/`` here).
_CHECKOUT = Path(__file__).resolve().parent.parent


@lru_cache(maxsize=1)
def shipped_root() -> Path:
    """The folder holding the shipped data (a real directory on disk)."""
    try:
        root = resources.files(PACKAGE)
    except ModuleNotFoundError:
        root = None
    if root is not None:
        path = Path(str(root))
        if path.is_dir():
            return path
    return _CHECKOUT / "data"


def shipped_path(*parts: str) -> Path:
    """A path inside the shipped data, e.g. ``shipped_path("catalog")``."""
    return shipped_root().joinpath(*parts)


def running_from_checkout() -> bool:
    """True when clerk runs from its source repository (not an installed wheel)."""
    return (_CHECKOUT / "pyproject.toml").is_file() and (_CHECKOUT / "clerk" / "shipped.py").is_file()
