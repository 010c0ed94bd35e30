"""Where the files shipped with Confidente (catalog, translations) are found.

In a frozen app PyInstaller unpacks them under `sys._MEIPASS`; from a clone
they sit in `resources/` beside `app/`. Nothing else should build these paths.
"""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"
