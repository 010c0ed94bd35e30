"""Files opened with Confidente: named on its command line, or sent by the system.

`confidente FILE…` (what a file manager's "Open with Confidente" runs on Linux
and Windows) hands the files to the window; macOS sends them to the running
application as open events instead, which `DocumentOpeningApplication` takes.
Either way they go to `LibraryController.open_files`, which sorts them with
`sort_opened` off the GUI thread (it looks at the disk and at the catalog),
then adds the new ones through the same job as the pane's Add files….
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from app.core.documents.records import IndexedFile


@dataclass(frozen=True)
class OpenedFiles:
    """Files opened with Confidente, sorted against the library they are opened in.

    Paths are absolute. `keys` holds every path a row of the Documents pane may have
    for them: the path as given, and with links resolved (the catalog keeps a file
    under the latter, a file that could not be read under the former).
    """

    listed: list[str]  # in the library, indexed and not changed since: only shown
    new: list[str]  # to add (whatever they are: a missing or unsupported file says why)
    folders: list[str]  # refused: a folder is added with Add folder…, not opened
    keys: list[str]


def sort_opened(paths: Iterable[str], files: Sequence[IndexedFile]) -> OpenedFiles:
    """Sort `paths` against the library's `files`. Reads the disk: never on the GUI thread."""
    indexed = {f.path: f for f in files if f.status == "indexed"}
    listed: list[str] = []
    new: list[str] = []
    folders: list[str] = []
    keys: list[str] = []
    for given in paths:
        path = os.path.abspath(os.path.expanduser(given))
        real = os.path.realpath(path)
        keys.extend(dict.fromkeys((path, real)))
        if os.path.isdir(path):
            folders.append(path)
        elif real in indexed and _unchanged(real, indexed[real]):
            listed.append(real)
        else:
            new.append(path)
    return OpenedFiles(listed, new, folders, keys)


def _unchanged(path: str, file: IndexedFile) -> bool:
    """Same size, and not modified since it was indexed (adding it again would find so too,
    but only after reading all of it, behind any indexing under way)."""
    try:
        found = os.stat(path)
    except OSError:
        return False  # gone: adding it says so, and forgets it
    return found.st_size == file.size and found.st_mtime <= file.updated


class DocumentOpeningApplication(QApplication):
    """The application, taking the files macOS asks it to open (Finder's Open with,
    a document dropped on the Dock icon): Qt delivers them to the application object
    as `FileOpen` events, not on the command line.

    Files that arrive before the window asked for them (at launch) wait for it.
    """

    def __init__(self, argv: Sequence[str]) -> None:
        super().__init__(list(argv))
        self._receive: Callable[[list[str]], None] | None = None
        self._waiting: list[str] = []

    def send_files_to(self, receive: Callable[[list[str]], None] | None) -> None:
        """Hand opened files to `receive` from now on, those waiting first (None: keep
        them waiting, as when the window is gone)."""
        self._receive = receive
        if receive is not None and self._waiting:
            waiting, self._waiting = self._waiting, []
            receive(waiting)

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            path = event.file()  # empty for a URL that is not a local file
            if path and self._receive is not None:
                self._receive([path])
            elif path:
                self._waiting.append(path)
            return True
        return super().event(event)
