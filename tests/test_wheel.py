"""A plain `pip install .` ships the resources (catalog, translations, icons, sample PDF)."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHIPPED = (
    "app/resources/catalog.json",
    "app/resources/i18n/confidente_es.qm",
    "app/resources/icons/confidente-256.png",
    "app/resources/icons/confidente.svg",
    "app/resources/sample/confidente-sample.pdf",
    "app/py.typed",
)


def test_the_wheel_carries_the_resources(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("confidente-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in SHIPPED if name not in names]
    assert not missing, f"not in {wheel.name}: {missing}"
