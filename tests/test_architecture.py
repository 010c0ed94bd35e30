"""The layers hold: core has no Qt, and heavy libraries load only when used.

The import contracts themselves live in pyproject.toml ([tool.importlinter]); these
tests run them, and show that the tool really fails on a broken contract.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORE = ROOT / "app" / "core"
# The venv's own lint-imports, beside the interpreter running the tests (not resolved:
# the venv's python is a symlink to the system one).
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _lint_imports(*args: str) -> subprocess.CompletedProcess[str]:
    # From the repository root, so it analyses this checkout's `app`, whatever is installed.
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_core_sources_never_import_qt_or_the_gui() -> None:
    offenders = {
        f"{path.name}: {name}"
        for path in CORE.rglob("*.py")
        for name in _imported_modules(path)
        if name.split(".")[0] in {"PySide6", "shiboken6", "PyQt5", "PyQt6"}
        or name.startswith("app.gui")
    }
    assert not offenders


def test_importing_core_services_and_cli_loads_no_qt_and_no_llama() -> None:
    code = (
        "import sys, app.cli, app.core.services, app.core.chat.service;"
        "heavy = [m for m in ('PySide6', 'llama_cpp', 'torch', 'chromadb') if m in sys.modules];"
        "print(','.join(heavy))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_the_import_contracts_keep_qt_and_the_front_ends_out_of_core() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, Any]] = config["tool"]["importlinter"]["contracts"]
    forbidden_to_core = {
        module
        for contract in contracts
        if contract["type"] == "forbidden" and contract["source_modules"] == ["app.core"]
        for module in contract["forbidden_modules"]
    }
    assert {"PySide6", "shiboken6", "app.gui", "app.cli"} <= forbidden_to_core


def test_the_code_keeps_the_import_contracts() -> None:
    result = _lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    assert re.search(r"Contracts: [1-9]\d* kept, 0 broken", result.stdout), result.stdout


def test_lint_imports_fails_on_a_contract_the_code_breaks(tmp_path: Path) -> None:
    # The GUI imports Qt, so forbidding it must fail: proof that the tool reads the code
    # (a typo'd config also exits non-zero, hence the check of the reported import).
    config = tmp_path / "contracts.toml"
    config.write_text(
        "[tool.importlinter]\n"
        'root_packages = ["app"]\n'
        "include_external_packages = true\n"
        "[[tool.importlinter.contracts]]\n"
        'name = "The GUI without Qt"\n'
        'type = "forbidden"\n'
        'source_modules = ["app.gui"]\n'
        'forbidden_modules = ["PySide6"]\n',
        encoding="utf-8",
    )
    result = _lint_imports("--config", str(config))
    assert result.returncode != 0
    assert "app.gui is not allowed to import PySide6" in result.stdout, result.stdout
