"""Where the files shipped with Confidente (catalog, translations, icons, sample) are found.

They live in `app/resources/`, inside the Python package, so a clone, a plain
`pip install .` and the frozen app (which keeps the package layout under
`sys._MEIPASS`) all find them the same way. Nothing else should build these paths.
"""

from __future__ import annotations

from pathlib import Path


def resources_dir() -> Path:
    return Path(__file__).resolve().parents[1] / "resources"
