"""The Models dialog's "Embedding models" page: the models that index documents.

It lists the built-in model, the downloaded ones and the catalog's (`embedder_table`),
marks the one new libraries use, and says what the user asked for: Download (through
`ModelsController`, in the dialog's download rows), "Use for new libraries" and Remove
(through its `EmbeddersController`). Its message boxes are opened with `open()`, so no
nested event loop runs. Re-indexing a library with the new model is offered by the
window once the switch is saved, if the library was indexed with another
(`ReindexOffer`).
"""

from __future__ import annotations

from functools import partial
from typing import cast

from PySide6.QtCore import QModelIndex, Qt, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.core.models.embedders import InstalledEmbedder
from app.core.models.service import ModelsOverview
from app.gui.i18n import Retranslated
from app.gui.models.controller import ModelsController
from app.gui.models.embedder_table import EmbedderRow, EmbedderTableModel, embedder_rows
from app.gui.models.tables import format_size, set_row_button, table_view
from app.gui.plain_text import plain


class EmbeddersPage(Retranslated, QWidget):
    """Embedding models: which one indexes new libraries, and getting or removing others."""

    def __init__(self, controller: ModelsController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.embedders = controller.embedders
        self._select_after_refresh: str | None = None
        self.table = EmbedderTableModel(self)
        self.view = table_view(self.table, EmbedderTableModel.NAME)
        self.intro = QLabel()
        self.intro.setWordWrap(True)
        self.active_note = QLabel()
        plain(self.active_note)  # an embedding model's name
        self.active_note.setWordWrap(True)
        self.active_note.hide()
        self.reindex_note = QLabel()
        plain(self.reindex_note)
        self.reindex_note.setWordWrap(True)
        self.reindex_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.use_button = QPushButton()
        self.remove_button = QPushButton()
        buttons = QHBoxLayout()
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.active_note)
        layout.addWidget(self.reindex_note)
        layout.addLayout(buttons)

        self.use_button.clicked.connect(self.on_use_clicked)
        self.remove_button.clicked.connect(self.on_remove_clicked)
        self.view.doubleClicked.connect(self.on_double_clicked)
        self.view.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.table.modelReset.connect(self._place_buttons)
        self.table.dataChanged.connect(self._place_buttons)
        controller.overview_loaded.connect(self.on_overview_loaded)
        controller.downloads_changed.connect(self._mark_downloads)
        controller.activity_changed.connect(self.on_selection_changed)
        controller.embedder_added.connect(self.on_embedder_added)
        self.retranslate()
        if controller.overview is not None:
            self.on_overview_loaded(controller.overview)

    def retranslate(self) -> None:
        """Every text in the interface's language; the table reads its own again."""
        self.view.setAccessibleName(self.tr("Embedding models"))
        self.intro.setText(
            self.tr(
                "Embedding models let a question find the passages of your documents that "
                "answer it. The built-in one reads English; for documents in Spanish or in "
                "several languages, a multilingual model finds more. Hover over a name to "
                "read more."
            )
        )
        self.reindex_note.setText(
            self.tr(
                "New libraries are indexed with the model in use. A library keeps the model "
                "it was indexed with until you re-index it (Re-index, in the Documents pane)."
            )
        )
        for button, text, tip in (
            (
                self.use_button,
                self.tr("Use for new libraries"),
                self.tr("Index new libraries, and libraries you re-index, with the selected model"),
            ),
            (
                self.remove_button,
                self.tr("Remove"),
                self.tr("Delete the selected downloaded model from your disk"),
            ),
        ):
            button.setText(text)
            button.setAccessibleName(text)
            button.setToolTip(tip)
        self.table.retranslate()  # its buttons follow (`_place_buttons`)
        self._show_active_note()
        self.on_selection_changed()

    # --- shown from the controller -----------------------------------------------------

    @Slot(object)
    def on_overview_loaded(self, overview: object) -> None:
        survey = cast(ModelsOverview, overview)
        selected = self._select_after_refresh or self.selected_key()
        self._select_after_refresh = None
        self.table.set_rows(embedder_rows(survey), survey.active_embedder)
        self._mark_downloads()
        row = self.table.row_of(selected) if selected else None
        if row is not None:
            self.view.selectRow(row)
        self._show_active_note()
        self.on_selection_changed()

    def _show_active_note(self) -> None:
        """Name the model new libraries use when it is none of those listed (a folder)."""
        overview = self.controller.overview
        setting = self.embedders.embedding_model()
        if overview is not None and overview.active_embedder is None and setting:
            self.active_note.setText(
                self.tr("In use for new libraries: {name} (not one of the models listed).").format(
                    name=setting
                )
            )
            self.active_note.show()
        else:
            self.active_note.hide()

    @Slot()
    def _mark_downloads(self) -> None:
        states = self.controller.downloads
        self.table.set_downloads(
            (s.name for s in states if s.active), (s.name for s in states if not s.active)
        )

    @Slot(object)
    def on_embedder_added(self, embedder: object) -> None:
        self._select_after_refresh = cast(InstalledEmbedder, embedder).id

    @Slot()
    def _place_buttons(self) -> None:
        """A Download (Resume…) button in the last column of every model not installed."""
        for number, row in enumerate(self.table.rows()):
            index = self.table.index(number, EmbedderTableModel.ACTION)
            button = self.view.indexWidget(index)
            if row.installed is not None:
                if button is not None:
                    self.view.setIndexWidget(index, None)  # type: ignore[arg-type]
                continue
            set_row_button(
                self.view,
                index,
                self.table.action(row),
                row.name,
                partial(self.on_download_clicked, row.id),
            )

    # --- what the user asks ------------------------------------------------------------

    def selected_row(self) -> EmbedderRow | None:
        rows = self.view.selectionModel().selectedRows()
        return self.table.row_at(rows[0].row()) if rows else None

    def selected_key(self) -> str | None:
        row = self.selected_row()
        return row.id if row is not None else None

    def select(self, key: str) -> None:
        row = self.table.row_of(key)
        if row is not None:
            self.view.selectRow(row)

    @Slot()
    def on_selection_changed(self) -> None:
        row = self.selected_row()
        installed = row is not None and row.installed is not None
        active = row is not None and self.table.is_active(row)
        self.use_button.setEnabled(installed and not active and not self.embedders.switching)
        self.remove_button.setEnabled(row is not None and row.removable and not active)
        if row is not None and row.builtin:
            tip = self.tr("The built-in model ships with Confidente and cannot be removed")
        elif active:
            tip = self.tr("The model in use cannot be removed; use another one first")
        else:
            tip = self.tr("Delete the selected downloaded model from your disk")
        self.remove_button.setToolTip(tip)

    @Slot()
    def on_use_clicked(self) -> None:
        row = self.selected_row()
        if row is not None and row.installed is not None:
            self.embedders.use(row.id, self.table.display_name(row))
            self.on_selection_changed()

    @Slot(QModelIndex)
    def on_double_clicked(self, index: QModelIndex) -> None:
        self.view.selectRow(index.row())
        if self.use_button.isEnabled():
            self.on_use_clicked()

    def on_download_clicked(self, key: str) -> None:
        number = self.table.row_of(key)
        if number is not None:
            self.controller.download(key, self.table.row_at(number).name)

    @Slot()
    def on_remove_clicked(self) -> None:
        row = self.selected_row()
        if row is not None and row.removable:
            self.confirm_remove(row)

    def confirm_remove(self, row: EmbedderRow) -> QMessageBox:
        """Ask first; the answer arrives later (the box does not block)."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Remove embedding model"),
            self.tr(
                "Remove {name}? Its folder ({size}) is deleted from your disk. A library "
                "indexed with it cannot be searched until you re-index it with another "
                "model. You can download it again later."
            ).format(name=row.name, size=format_size(row.size_bytes)),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        plain(box)
        box.setObjectName("removeEmbedder")
        confirm = box.addButton(self.tr("Delete the model"), QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        key = row.id
        box.buttonClicked.connect(
            lambda button: self.embedders.remove(key) if button is confirm else None
        )
        box.open()
        return box
