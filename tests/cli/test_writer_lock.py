"""`confidente add` while the window indexes: a clear refusal, nothing changed, reads answer."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli.test_cli import _run
from tests.lock_holders import LockHolder


def test_add_is_refused_while_the_window_indexes(
    confidente_home: Path, tmp_path: Path, holders: list[LockHolder]
) -> None:
    pump = tmp_path / "pump.md"
    pump.write_text("The pump P-20 in hall 7 must be serviced every 400 hours.", "utf-8")
    contract = tmp_path / "contrato.txt"
    contract.write_text("Cláusula 9. El preaviso es de sesenta días.", "utf-8")
    added = _run(["add", str(pump)], confidente_home)
    assert added.returncode == 0, added.stderr

    holders.append(LockHolder(confidente_home, "window"))
    refused = _run(["add", str(contract)], confidente_home)
    assert refused.returncode != 0
    assert refused.stderr.strip() == (
        "confidente: Confidente is indexing this library in another window; "
        "try again when it has finished."
    )
    assert "Traceback" not in refused.stderr
    removing = _run(["remove", "--all"], confidente_home)
    assert removing.returncode != 0
    assert "Confidente is indexing this library in another window" in removing.stderr

    docs = json.loads(_run(["docs", "--json"], confidente_home).stdout)
    assert [Path(f["path"]).name for f in docs["files"]] == ["pump.md"]  # nothing changed
    found = _run(["search", "pump service hours", "--json", "-k", "1"], confidente_home)
    assert found.returncode == 0, found.stderr  # reads need no lock
    assert [Path(s["path"]).name for s in json.loads(found.stdout)] == ["pump.md"]
