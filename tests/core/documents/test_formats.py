"""Finding the documents in an added folder (app.core.documents.formats.scan)."""

from __future__ import annotations

from pathlib import Path

from app.core.documents.formats import scan
from app.core.documents.records import FileStatus


def test_links_leading_outside_an_added_folder_are_skipped_with_a_reason(
    tmp_path: Path,
) -> None:
    added = tmp_path / "added"
    (added / "sub").mkdir(parents=True)
    (added / "sub" / "inside.txt").write_text("inside")
    (added / "own.md").write_text("# own")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("not meant to be added")
    (added / "file-out.txt").symlink_to(elsewhere / "secret.txt")
    (added / "folder-out").symlink_to(elsewhere, target_is_directory=True)
    (added / "file-in.txt").symlink_to(added / "sub" / "inside.txt")
    (added / "folder-in").symlink_to(added / "sub", target_is_directory=True)
    (added / "sub" / "loop").symlink_to(added, target_is_directory=True)

    found = scan([added])

    assert found.files == sorted(
        [(added / "own.md").resolve(), (added / "sub/inside.txt").resolve()]
    )
    skipped = {Path(o.path).name: o for o in found.skipped}
    assert set(skipped) == {"file-out.txt", "folder-out"}
    for outcome in skipped.values():
        assert outcome.status == FileStatus.SKIPPED
        assert "outside the added folder" in outcome.reason
    assert all("secret" not in str(p) for p in found.files)


def test_a_folder_reached_only_through_an_inside_link_is_read(tmp_path: Path) -> None:
    added = tmp_path / "added"
    (added / ".kept").mkdir(parents=True)  # hidden, so the walk itself passes it by
    (added / ".kept" / "note.txt").write_text("hello")
    (added / "visible").symlink_to(added / ".kept", target_is_directory=True)
    assert scan([added]).files == [(added / ".kept" / "note.txt").resolve()]


def test_a_link_named_explicitly_is_read(tmp_path: Path) -> None:
    target = tmp_path / "elsewhere.txt"
    target.write_text("x")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert scan([link]).files == [target.resolve()]
