"""The offer to re-index the library in the Documents pane with the embedding model just
chosen, made only when that would change the library.

After the embedding model for new libraries changes (the Models dialog's "Use for new
libraries", or the Settings dialog), the library shown in the Documents pane keeps the
model it was indexed with. Core says whether re-indexing would move it to the new one
(`Documents.uses_other_embedder`, a catalog read, done off the GUI thread); only then is
the user asked, and a yes runs the pane's own Re-index, with its progress and Cancel.
When the library already uses the model, the status bar says so instead.

There is one per window. The `SettingsController`, which has the services, makes it;
the Models dialog's controller finds it with `ReindexOffer.of(window)`.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from app.core.documents.api import Documents
from app.core.errors import ConfidenteError
from app.gui.documents import DocumentsDock
from app.gui.models.embedders_controller import attempt
from app.gui.plain_text import plain
from app.gui.tasks import TaskManager


def ask(
    parent: QWidget,
    object_name: str,
    title: str,
    text: str,
    answers: tuple[str, str],
    on_accepted: Callable[[], object],
) -> QMessageBox:
    """Ask a yes-or-no question over `parent` without waiting for the answer: `answers`
    are the yes and no buttons' texts; yes (the default) calls `on_accepted`."""
    box = QMessageBox(
        QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent
    )
    box.setObjectName(object_name)
    plain(box)  # names a library and a model
    box.setAccessibleName(title)
    yes = box.addButton(answers[0], QMessageBox.ButtonRole.AcceptRole)
    box.addButton(answers[1], QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.buttonClicked.connect(lambda button: on_accepted() if button is yes else None)
    box.open()
    return box


class ReindexOffer(QObject):
    """Offers to re-index the Documents pane's library after the embedding model changed.

    Signals:
        status_posted(str, int): a status bar message, and how long it stays (ms).
    """

    NAME = "confidenteReindexOffer"
    status_posted = Signal(str, int)

    def __init__(self, documents: Documents, tasks: TaskManager, window: QWidget) -> None:
        super().__init__(window)
        self.setObjectName(self.NAME)
        self._documents = documents
        self._tasks = tasks
        self._window = window

    @classmethod
    def of(cls, window: QWidget) -> ReindexOffer | None:
        """The window's offer, if its Settings controller made one."""
        found = window.findChild(QObject, cls.NAME, Qt.FindChildOption.FindDirectChildrenOnly)
        return found if isinstance(found, ReindexOffer) else None

    def offer(self, name: str, parent: Callable[[], QWidget]) -> None:
        """New libraries now use the model called `name` (already saved in the settings):
        if the pane's library holds documents made with another, ask over `parent()`
        whether to re-index it. Returns at once; the question, if any, comes later."""
        dock = self._window.findChild(DocumentsDock)
        if dock is None or not any(f.status == "indexed" for f in dock.panel.model.files()):
            return  # nothing indexed: the library takes the new model with its first files
        library, documents = dock.library.library, self._documents
        self._tasks.run_in_background(
            lambda: attempt(lambda: documents.uses_other_embedder(library)),
            lambda needed: self._on_checked(needed, dock, library, name, parent),
        )

    def _on_checked(
        self,
        needed: bool | ConfidenteError,
        dock: DocumentsDock,
        library: str,
        name: str,
        parent: Callable[[], QWidget],
    ) -> None:
        if needed is False:
            self.status_posted.emit(
                self.tr("“{library}” already uses {name}: there is nothing to re-index.").format(
                    library=library, name=name
                ),
                10_000,
            )
            return
        # Needed, or core could not tell (the index unreadable now): re-indexing is safe
        # either way, so the user decides.
        ask(
            parent(),
            "reindexOffer",
            self.tr("Re-index the library?"),
            self.tr(
                "New libraries now use {name}. The library “{library}” keeps the embedding "
                "model it was indexed with until it is re-indexed, which reads every file "
                "again and can take a while. Re-index “{library}” now?"
            ).format(name=name, library=library),
            (self.tr("Re-index now"), self.tr("Later")),
            lambda: self._reindex(dock, library),
        )

    def _reindex(self, dock: DocumentsDock, library: str) -> None:
        """Re-index `library` in the Documents pane, which shows its progress and Cancel."""
        dock.show()
        if dock.library.library != library:
            dock.library.choose_library(library)
        dock.library.reindex()
