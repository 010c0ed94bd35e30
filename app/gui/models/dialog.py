"""Bring your own model: the Models dialog.

It only shows what `ModelsController` (app/gui/models/controller.py) reports
and says what the user asked for. Embedding models have a page of their own
(`embedders_view`); their downloads share the rows here (`download_row`). Its message
boxes and file dialogs are opened with `open()`, so no nested event loop runs.
"""

from __future__ import annotations

from functools import partial
from typing import cast

from PySide6.QtCore import QModelIndex, Qt, Slot
from PySide6.QtGui import QCloseEvent, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app.core.models.fit import Verdict
from app.core.models.inventory import InstalledModel
from app.core.models.service import ModelsOverview
from app.gui.i18n import Retranslated
from app.gui.models.controller import ModelsController, reading_text
from app.gui.models.download_row import DownloadsBox
from app.gui.models.embedders_view import EmbeddersPage
from app.gui.models.tables import (
    CatalogTableModel,
    InstalledTableModel,
    format_size,
    machine_text,
    set_row_button,
    table_view,
    verdict_word,
)
from app.gui.plain_text import plain


class ModelsDialog(Retranslated, QDialog):
    """Installed models, the catalog with its fit, embedding models, downloads, and the
    Hugging Face token."""

    def __init__(self, controller: ModelsController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.setModal(False)
        self.resize(900, 620)
        self._select_after_refresh: str | None = None
        self._build_header()
        self._build_installed()
        self._build_catalog()
        self.embedders_page = EmbeddersPage(controller)
        self.tabs.addTab(self.embedders_page, "")
        self.downloads_box = DownloadsBox()
        self.downloads_box.pause_requested.connect(controller.pause)
        self.downloads_box.resume_requested.connect(controller.download)
        self.downloads_box.cancel_requested.connect(controller.cancel)
        self.status_label = QLabel(reading_text())
        plain(self.status_label)  # model names and errors
        self.status_label.setWordWrap(True)
        self.status_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.close)
        footer = QHBoxLayout()
        footer.addWidget(self.status_label, 1)
        footer.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(self.header)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.downloads_box)
        layout.addLayout(footer)

        controller.overview_loaded.connect(self.on_overview_loaded)
        controller.downloads_changed.connect(self.on_downloads_changed)
        controller.activity_changed.connect(self.on_activity_changed)
        controller.message_posted.connect(self.on_message_posted)
        controller.model_added.connect(self.on_model_added)
        controller.embedder_added.connect(self.on_embedder_added)
        controller.token_status_read.connect(self.on_token_status_read)
        self.on_downloads_changed()
        self.retranslate()
        if controller.overview is not None:
            self.on_overview_loaded(controller.overview)

    def retranslate(self) -> None:
        """Every text in the interface's language; the tables read theirs again."""
        self.setWindowTitle(self.tr("Models"))
        self.setAccessibleName(self.tr("Models"))
        self.status_label.setAccessibleName(self.tr("Models status"))
        self.machine_label.setAccessibleName(self.tr("This computer"))
        overview = self.controller.overview
        self.machine_label.setText(
            machine_text(overview.machine) if overview is not None else self.tr("This computer: …")
        )
        self.token_button.setText(self.tr("Hugging Face token…"))
        self.token_button.setAccessibleName(self.tr("Hugging Face token"))
        self.token_button.setToolTip(
            self.tr("An access token for gated models, kept in the OS keychain only")
        )
        self.installed_view.setAccessibleName(self.tr("Installed models"))
        self.catalog_view.setAccessibleName(self.tr("Recommended models"))
        for button, text, tip in (
            (self.use_button, self.tr("Use"), self.tr("Chat and answer with the selected model")),
            (
                self.remove_button,
                self.tr("Remove"),
                self.tr("Take the selected model off the list"),
            ),
            (
                self.add_button,
                self.tr("Add a .gguf file…"),
                self.tr("Use a GGUF model file from this computer, where it is"),
            ),
        ):
            button.setText(text)
            button.setAccessibleName(text.rstrip("…"))
            button.setToolTip(tip)
        self.tabs.setAccessibleName(self.tr("Model lists"))
        self.tabs.setTabText(0, self.tr("&Installed"))
        self.tabs.setTabText(1, self.tr("&Catalog"))
        self.tabs.setTabText(2, self.tr("&Embedding models (for documents)"))
        self.catalog_note.setText(
            self.tr(
                "Instruction-tuned models that run on a laptop, downloaded from Hugging Face and "
                "checked against their published SHA-256. Hover over a fit to see why."
            )
        )
        self.downloads_box.setTitle(self.tr("Downloads"))
        self.downloads_box.setAccessibleName(self.tr("Downloads"))
        self.installed.retranslate()
        self.catalog.retranslate()  # its buttons follow (`_place_catalog_buttons`)
        self._show_active_note()
        self.on_selection_changed()

    def _build_header(self) -> None:
        self.machine_label = QLabel()
        plain(self.machine_label)  # a GPU's name
        self.machine_label.setWordWrap(True)
        self.token_button = QPushButton()
        self.token_button.clicked.connect(self.on_token_clicked)
        self.header = QHBoxLayout()
        self.header.addWidget(self.machine_label, 1)
        self.header.addWidget(self.token_button)

    def _build_installed(self) -> None:
        self.installed = InstalledTableModel(self)
        self.installed_view = table_view(self.installed, InstalledTableModel.NAME)
        self.installed_view.doubleClicked.connect(self.on_installed_double_clicked)
        self.installed_view.selectionModel().selectionChanged.connect(self.on_selection_changed)
        self.active_note = QLabel()
        plain(self.active_note)
        self.active_note.setWordWrap(True)
        self.active_note.hide()
        self.use_button = QPushButton()
        self.remove_button = QPushButton()
        self.add_button = QPushButton()
        self.use_button.clicked.connect(self.on_use_clicked)
        self.remove_button.clicked.connect(self.on_remove_clicked)
        self.add_button.clicked.connect(self.on_add_clicked)
        buttons = QHBoxLayout()
        buttons.addWidget(self.use_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.add_button)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.installed_view, 1)
        layout.addWidget(self.active_note)
        layout.addLayout(buttons)
        self.tabs = QTabWidget()
        self.tabs.addTab(page, "")

    def _build_catalog(self) -> None:
        self.catalog = CatalogTableModel(self)
        self.catalog_view = table_view(self.catalog, CatalogTableModel.NAME)
        header = self.catalog_view.horizontalHeader()
        # Fixed widths, so the columns do not jump when a button's text changes.
        for column, widest in (
            (CatalogTableModel.FIT, verdict_word(Verdict.WONT_FIT)),
            (CatalogTableModel.ACTION, self.tr("Downloading…")),
        ):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Fixed)
            header.resizeSection(column, QPushButton(widest).sizeHint().width() + 8)
        self.catalog_note = QLabel()
        plain(self.catalog_note)
        self.catalog_note.setWordWrap(True)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self.catalog_note)
        layout.addWidget(self.catalog_view, 1)
        self.tabs.addTab(page, "")
        self.catalog.modelReset.connect(self._place_catalog_buttons)
        self.catalog.dataChanged.connect(self._place_catalog_buttons)

    # --- shown from the controller -----------------------------------------------------

    @Slot(object)
    def on_overview_loaded(self, overview: object) -> None:
        survey = cast(ModelsOverview, overview)
        self.machine_label.setText(machine_text(survey.machine))
        selected = self._select_after_refresh or self.selected_key()
        self._select_after_refresh = None
        self.installed.set_models(survey.installed, survey.active)
        self.catalog.set_choices(survey.catalog)
        self._mark_downloads()
        row = self.installed.row_of(selected) if selected else None
        if row is not None:
            self.installed_view.selectRow(row)
        self._show_active_note()
        if self.status_label.text() == reading_text():
            self.status_label.setText(self.controller.activity())
        self.on_selection_changed()

    def _show_active_note(self) -> None:
        """Name the model in use when it is none of those listed."""
        overview = self.controller.overview
        model_path = self.controller.model_path()
        if overview is not None and overview.active is None and model_path:
            self.active_note.setText(
                self.tr("In use: {path} (not one of the models listed).").format(path=model_path)
            )
            self.active_note.show()
        else:
            self.active_note.hide()

    @Slot()
    def on_downloads_changed(self) -> None:
        self.downloads_box.show_states(self.controller.downloads)
        self._mark_downloads()

    def _mark_downloads(self) -> None:
        states = self.controller.downloads
        self.catalog.set_downloads(
            (s.name for s in states if s.active), (s.name for s in states if not s.active)
        )

    @Slot(str)
    def on_activity_changed(self, activity: str) -> None:
        self.status_label.setText(activity)
        self.on_selection_changed()

    @Slot(str)
    def on_message_posted(self, message: str) -> None:
        activity = self.controller.activity()
        self.status_label.setText(f"{message} {activity}" if activity else message)

    @Slot(object, str)
    def on_model_added(self, model: object, _how: str) -> None:
        self._select_after_refresh = str(cast(InstalledModel, model).path)
        self.tabs.setCurrentIndex(0)

    @Slot(object)
    def on_embedder_added(self, _embedder: object) -> None:
        self.tabs.setCurrentWidget(self.embedders_page)

    @Slot()
    def _place_catalog_buttons(self) -> None:
        """A Download (Resume, Installed…) button in the last column of every row."""
        for row, choice in enumerate(self.catalog.rows()):
            set_row_button(
                self.catalog_view,
                self.catalog.index(row, CatalogTableModel.ACTION),
                self.catalog.action(choice),
                choice.entry.name,
                partial(self.on_download_clicked, choice.entry.id),
            )

    # --- what the user asks ------------------------------------------------------------

    def selected_model(self) -> InstalledModel | None:
        rows = self.installed_view.selectionModel().selectedRows()
        return self.installed.row_at(rows[0].row()) if rows else None

    def selected_key(self) -> str | None:
        model = self.selected_model()
        return str(model.path) if model is not None else None

    @Slot()
    def on_selection_changed(self) -> None:
        model = self.selected_model()
        usable = model is not None and model.present and not self.installed.is_active(model)
        self.use_button.setEnabled(usable and not self.controller.switching)
        removable = (
            model is not None
            and model.source in ("download", "import")
            and not self.installed.is_active(model)
        )
        self.remove_button.setEnabled(removable)
        if model is not None and model.source == "download":
            self.remove_button.setToolTip(
                self.tr("Take the model off the list and delete its file")
            )
        elif model is not None and model.source == "import":
            self.remove_button.setToolTip(self.tr("Take the model off the list; the file stays"))
        else:
            self.remove_button.setToolTip(
                self.tr("Downloaded and added models can be removed; not the one in use")
            )

    @Slot()
    def on_use_clicked(self) -> None:
        model = self.selected_model()
        if model is not None:
            self.controller.use(str(model.path), model.name)
            self.on_selection_changed()

    @Slot(QModelIndex)
    def on_installed_double_clicked(self, index: QModelIndex) -> None:
        self.installed_view.selectRow(index.row())
        if self.use_button.isEnabled():
            self.on_use_clicked()

    @Slot()
    def on_remove_clicked(self) -> None:
        model = self.selected_model()
        if model is not None:
            self.confirm_remove(model)

    def confirm_remove(self, model: InstalledModel) -> QMessageBox:
        """Ask first, saying whether the file is deleted or only forgotten; the answer
        arrives later (the box does not block)."""
        if model.removable_file:
            text = self.tr(
                "Remove {name}? Its file ({size}) is deleted "
                "from your disk:\n{path}\nYou can download it again later."
            ).format(name=model.name, size=format_size(model.size_bytes), path=model.path)
            verb = self.tr("Delete the file")
        else:
            text = self.tr(
                "Remove {name} from the list? Confidente only forgets it: the file "
                "stays where it is:\n{path}"
            ).format(name=model.name, path=model.path)
            verb = self.tr("Forget it")
        box = QMessageBox(
            QMessageBox.Icon.Question,
            self.tr("Remove model"),
            text,
            QMessageBox.StandardButton.Cancel,
            self,
        )
        plain(box)  # a model's name and path
        confirm = box.addButton(verb, QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        key = str(model.path)
        box.buttonClicked.connect(
            lambda button: self.controller.remove(key) if button is confirm else None
        )
        box.open()
        return box

    @Slot()
    def on_add_clicked(self) -> None:
        dialog = QFileDialog(self, self.tr("Add a model file"))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setNameFilters([self.tr("GGUF models (*.gguf)"), self.tr("All files (*)")])
        dialog.fileSelected.connect(self.on_file_picked)
        dialog.open()

    @Slot(str)
    def on_file_picked(self, path: str) -> None:
        if path:
            self.controller.add(path)

    def on_download_clicked(self, entry_id: str) -> None:
        row = self.catalog.row_of(entry_id)
        if row is None:
            return
        choice = self.catalog.row_at(row)
        if choice.fit.verdict is not Verdict.WONT_FIT:
            self.controller.download(entry_id, choice.entry.name)
            return
        box = QMessageBox(
            QMessageBox.Icon.Warning,
            self.tr("Download anyway?"),
            self.tr("{name} will probably not run on this computer: {reason}.").format(
                name=choice.entry.name, reason=choice.fit.reason
            ),
            QMessageBox.StandardButton.Cancel,
            self,
        )
        plain(box)
        go = box.addButton(self.tr("Download anyway"), QMessageBox.ButtonRole.AcceptRole)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.buttonClicked.connect(
            lambda button: (
                self.controller.download(entry_id, choice.entry.name) if button is go else None
            )
        )
        box.open()

    @Slot()
    def on_token_clicked(self) -> None:
        self.token_button.setEnabled(False)
        self.controller.read_token_status()

    @Slot(str, bool)
    def on_token_status_read(self, keychain: str, stored: bool) -> None:
        self.token_button.setEnabled(True)
        self.ask_token(keychain, stored)

    def ask_token(self, keychain: str, stored: bool) -> QInputDialog:
        dialog = QInputDialog(self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.setWindowTitle(self.tr("Hugging Face token"))
        if keychain == "none":
            where = self.tr("the OS keychain")
        else:
            where = self.tr("the OS keychain ({keychain})").format(keychain=keychain)
        now = (
            self.tr("A token is stored; leave this empty and press OK to remove it.")
            if stored
            else self.tr("No token is stored.")
        )
        dialog.setLabelText(
            self.tr(
                "Gated models need an access token from huggingface.co (Settings → Access "
                "Tokens). It is kept in {where} and nowhere else.\n{now}"
            ).format(where=where, now=now)
        )
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.textValueSelected.connect(self.controller.save_token)
        dialog.open()
        return dialog

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.controller.refresh()

    def closeEvent(self, event: QCloseEvent) -> None:
        for box in self.findChildren(QMessageBox):
            box.close()
        super().closeEvent(event)
