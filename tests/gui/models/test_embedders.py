"""Embedding models in the Models dialog, over the real core: the built-in model in use,
the catalog's with a Download button, a download through the dialog's rows (pause,
resume), "Use for new libraries", the offer to re-index (only when the library was
indexed with another model), and Remove.

Downloads go to `tests.hub_standin.HubStandIn` (there is no internet here), serving the
real packaged all-MiniLM-L6-v2 folder under a test catalog entry, set up with the
helpers of tests/core/models/test_embedders.py: so the download, its checksums and the
installed folder are real.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QMessageBox, QPushButton

from app.core.documents.embedder import STARTER_EMBEDDER, EmbedderManifest
from app.core.documents.service import DocumentService
from app.core.models.embedders import InstalledEmbedder
from app.core.models.model_catalog import CATALOG_VARIABLE, load_embedders
from app.core.models.service import EmbedderChoice, ModelsOverview
from app.core.paths import app_paths
from app.core.settings import load_settings
from app.gui.main_window import MainWindow
from app.gui.models.controller import ModelsController
from app.gui.models.dialog import ModelsDialog
from app.gui.models.embedder_table import EmbedderTableModel, embedder_rows, languages_text
from app.gui.models.embedders_view import EmbeddersPage
from app.gui.models.tables import ActiveRole
from tests.core.models.test_embedders import (
    TEST_ID,
    TEST_NAME,
    _entry,
    _write_catalog,
    install_copy,
    packaged_files,
    serve_packaged,
)
from tests.gui.models.test_models import open_models, refreshed
from tests.gui_windows import Opened
from tests.hub_standin import HubStandIn

pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")

CHECK_TIMEOUT_MS = 30_000
DOWNLOAD_TIMEOUT_MS = 60_000
INDEX_TIMEOUT_MS = 60_000


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A catalog with one embedding model: the packaged MiniLM, served by the stand-in."""
    entry = _entry(packaged_files(), languages=["en", "es", "fr"])
    path = _write_catalog(tmp_path / "catalog.json", entry)
    monkeypatch.setenv(CATALOG_VARIABLE, str(path))
    return path


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubStandIn]:
    """The weights come slowly enough (a few seconds) for the download to be paused."""
    with HubStandIn() as server:
        monkeypatch.setenv("HF_ENDPOINT", server.endpoint)
        serve_packaged(server, packaged_files(), weights_per_second=30e6)
        yield server


@pytest.fixture
def opened(starter_window: Opened) -> Opened:
    """A window on real Services using the starter model, loaded and ready."""
    return starter_window


def open_embedders(qtbot: Any, window: MainWindow) -> ModelsDialog:
    """Open the Models dialog on its embedding models, once its lists are read."""
    dialog = open_models(qtbot, window)
    dialog.tabs.setCurrentWidget(dialog.embedders_page)
    return dialog


def ids(page: EmbeddersPage) -> list[str]:
    return [row.id for row in page.table.rows()]


def installed(page: EmbeddersPage, id: str) -> bool:
    number = page.table.row_of(id)
    return number is not None and page.table.row_at(number).installed is not None


def is_active(page: EmbeddersPage, id: str) -> bool:
    number = page.table.row_of(id)
    return number is not None and page.table.index(number, 0).data(ActiveRole) is True


def action_button(page: EmbeddersPage, id: str) -> QPushButton | None:
    number = page.table.row_of(id)
    assert number is not None
    widget = page.view.indexWidget(page.table.index(number, EmbedderTableModel.ACTION))
    return widget if isinstance(widget, QPushButton) else None


def box_named(window: MainWindow, name: str) -> QMessageBox | None:
    found = [
        b for b in window.findChildren(QMessageBox) if b.isVisible() and b.objectName() == name
    ]
    return found[0] if found else None


def button(box: QMessageBox, text: str) -> QPushButton:
    found = next(b for b in box.buttons() if b.text() == text)
    assert isinstance(found, QPushButton)
    return found


def use(qtbot: Any, opened: Opened, id: str) -> None:
    """Select the model and press "Use for new libraries"; wait for the setting saved."""
    dialog = opened.window.models_dialog
    assert dialog is not None
    page = dialog.embedders_page
    page.select(id)
    assert page.use_button.isEnabled()
    with qtbot.waitSignal(opened.window.models.embedders.embedder_switched, timeout=5000):
        qtbot.mouseClick(page.use_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: is_active(page, id), timeout=CHECK_TIMEOUT_MS)


def wait_for_offer(qtbot: Any, window: MainWindow) -> QMessageBox:
    """The offer to re-index, made once core said the library needs it."""
    qtbot.waitUntil(lambda: box_named(window, "reindexOffer") is not None, timeout=5000)
    offer = box_named(window, "reindexOffer")
    assert offer is not None
    return offer


def index_a_note(qtbot: Any, opened: Opened, tmp_path: Path) -> Path:
    """A note indexed into the default library with the built-in model; the pane lists it."""
    window = opened.window
    note = tmp_path / "chiller.txt"
    note.write_text("The chiller in the basement is inspected every spring. " * 40, "utf-8")
    with qtbot.waitSignal(window.library.job_ended, timeout=INDEX_TIMEOUT_MS):
        window.library.add([str(note)])
    qtbot.waitUntil(lambda: bool(window.documents_panel.model.files()), timeout=CHECK_TIMEOUT_MS)
    return note


# --- the page ------------------------------------------------------------------------------


def test_the_built_in_model_is_listed_in_use_beside_the_catalogs(
    qtbot: Any, opened: Opened
) -> None:
    dialog = open_embedders(qtbot, opened.window)
    page = dialog.embedders_page
    assert dialog.tabs.tabText(dialog.tabs.indexOf(page)) == "&Embedding models (for documents)"
    catalog = load_embedders()
    assert ids(page) == [STARTER_EMBEDDER, *(e.id for e in catalog)]
    assert len(catalog) >= 2

    # The built-in model: installed, in use, named as such, not removable.
    name = page.table.index(0, EmbedderTableModel.NAME)
    assert name.data() == "all-MiniLM-L6-v2 (built in)"
    assert name.data(ActiveRole) is True
    font = name.data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont)
    assert font.bold()
    assert page.table.index(0, EmbedderTableModel.LANGUAGES).data() == "English"
    assert page.table.index(0, EmbedderTableModel.ACTION).data() == "In use for new libraries"
    assert action_button(page, STARTER_EMBEDDER) is None
    page.select(STARTER_EMBEDDER)
    assert not page.use_button.isEnabled()  # already in use
    assert not page.remove_button.isEnabled()  # ships with the app

    # The catalog's multilingual models: size, languages, and a Download button each.
    for entry in catalog:
        number = page.table.row_of(entry.id)
        assert number is not None
        assert page.table.index(number, EmbedderTableModel.NAME).data() == entry.name
        assert page.table.index(number, EmbedderTableModel.SIZE).data().endswith(" MB")
        languages = page.table.index(number, EmbedderTableModel.LANGUAGES).data()
        assert languages == f"{len(entry.languages)} languages, Spanish included"
        download = action_button(page, entry.id)
        assert download is not None
        assert download.text() == "Download"
        assert download.isEnabled()
        page.select(entry.id)
        assert not page.use_button.isEnabled()  # not downloaded
        assert not page.remove_button.isEnabled()
    assert "until you re-index it" in page.reindex_note.text()
    assert not page.active_note.isVisible()

    dialog.resize(800, 600)  # still usable on a small screen
    assert dialog.minimumSizeHint().width() <= 800
    assert dialog.minimumSizeHint().height() <= 600


def test_a_downloaded_model_is_listed_then_used_then_removed(
    qtbot: Any, catalog: Path, hub: HubStandIn, opened: Opened
) -> None:
    window, services = opened.window, opened.services
    controller = window.models
    dialog = open_embedders(qtbot, window)
    page = dialog.embedders_page
    assert ids(page) == [STARTER_EMBEDDER, TEST_ID]
    assert not installed(page, TEST_ID)
    download = action_button(page, TEST_ID)
    assert download is not None

    # Download goes through the dialog's download rows: progress, pause, resume.
    qtbot.mouseClick(download, Qt.MouseButton.LeftButton)
    assert dialog.downloads_box.isVisible()
    row = dialog.downloads_box.rows[TEST_ID]
    assert row.title.text() == TEST_NAME
    assert download.text() == "Downloading…"
    assert not download.isEnabled()
    qtbot.waitUntil(lambda: " of " in row.detail.text(), timeout=DOWNLOAD_TIMEOUT_MS)
    qtbot.mouseClick(row.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: row.resume_button.isVisible(), timeout=DOWNLOAD_TIMEOUT_MS)
    assert row.detail.text().startswith("Paused at ")
    [paused] = services.models.pending_embedders()
    assert paused.id == TEST_ID
    # Another session (a controller that never saw it start) lists it, paused.
    later = ModelsController(services.models, window.tasks, lambda: services.settings)
    with qtbot.waitSignal(later.overview_loaded, timeout=CHECK_TIMEOUT_MS):
        later.refresh()
    [listed] = later.downloads
    assert (listed.name, listed.label, listed.status) == (TEST_ID, TEST_NAME, "paused")
    assert listed.done == paused.done
    qtbot.waitUntil(lambda: action_button(page, TEST_ID) is not None, timeout=CHECK_TIMEOUT_MS)
    resume = action_button(page, TEST_ID)
    assert resume is not None
    qtbot.waitUntil(lambda: resume.text() == "Resume", timeout=CHECK_TIMEOUT_MS)
    assert resume.isEnabled()

    qtbot.mouseClick(row.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(
        lambda: box_named(window, "useEmbedderOffer") is not None, timeout=DOWNLOAD_TIMEOUT_MS
    )
    assert TEST_ID not in dialog.downloads_box.rows
    assert not box_named(window, "useModelOffer")  # not offered as a chat model
    offer = box_named(window, "useEmbedderOffer")
    assert offer is not None
    assert TEST_NAME in offer.text()
    button(offer, "Not now").click()
    refreshed(qtbot, window)
    assert installed(page, TEST_ID)
    assert action_button(page, TEST_ID) is None
    assert page.table.index(1, EmbedderTableModel.ACTION).data() == "Installed"
    folder = services.paths.models / "embedders" / TEST_ID
    assert (folder / "model.safetensors").stat().st_size > 0
    assert services.settings.embedding_model is None  # not used until asked

    # "Use for new libraries": saved in the settings (and their file), marked in use.
    use(qtbot, opened, TEST_ID)
    assert services.settings.embedding_model == TEST_ID
    assert load_settings(services.paths.settings_file).settings.embedding_model == TEST_ID
    assert not is_active(page, STARTER_EMBEDDER)
    assert "New libraries now use Test MiniLM" in window.status.currentMessage()
    assert box_named(window, "reindexOffer") is None  # the library holds no documents
    page.select(TEST_ID)
    assert not page.use_button.isEnabled()
    assert not page.remove_button.isEnabled()  # not the one in use

    # Back to the built-in one; then Remove asks, and deletes the folder.
    use(qtbot, opened, STARTER_EMBEDDER)
    assert services.settings.embedding_model is None
    page.select(TEST_ID)
    assert page.remove_button.isEnabled()
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    confirm = box_named(window, "removeEmbedder")
    assert confirm is not None
    assert "deleted from your disk" in confirm.text()
    assert folder.is_dir()  # nothing happens before the answer
    button(confirm, "Cancel").click()
    assert folder.is_dir()
    qtbot.mouseClick(page.remove_button, Qt.MouseButton.LeftButton)
    confirm = box_named(window, "removeEmbedder")
    assert confirm is not None
    with qtbot.waitSignal(controller.overview_loaded, timeout=CHECK_TIMEOUT_MS):
        button(confirm, "Delete the model").click()
    assert not folder.exists()
    assert not installed(page, TEST_ID)
    assert action_button(page, TEST_ID) is not None  # Download again
    assert "folder deleted" in window.status.currentMessage()


def test_switching_offers_to_reindex_the_library_and_the_pane_shows_it(
    qtbot: Any, opened: Opened, tmp_path: Path
) -> None:
    window, services = opened.window, opened.services
    documents = services.documents
    assert isinstance(documents, DocumentService)
    note = index_a_note(qtbot, opened, tmp_path)
    library = documents.catalog.library("default")
    assert library is not None
    assert library.embedding_model == STARTER_EMBEDDER
    install_copy(app_paths().models, name=TEST_NAME, languages=("en",))

    dialog = open_embedders(qtbot, window)
    page = dialog.embedders_page
    assert installed(page, TEST_ID)
    use(qtbot, opened, TEST_ID)
    offer = wait_for_offer(qtbot, window)
    assert offer.parent() is dialog  # over the dialog the user is in
    assert "“default” keeps the embedding model" in offer.text()
    assert documents.catalog.library("default") == library  # nothing moved yet

    panel = window.documents_panel
    with qtbot.waitSignal(window.library.job_ended, timeout=INDEX_TIMEOUT_MS) as ended:
        button(offer, "Re-index now").click()
        assert window.library.busy
        assert panel.progress.isVisible()  # the pane's own progress, with its Cancel
        assert panel.progress.cancel_button.isEnabled()
    assert ended.args is not None
    assert "1 indexed" in ended.args[0]
    moved = documents.catalog.library("default")
    assert moved is not None
    assert moved.embedding_model == TEST_ID
    [top, *_] = documents.search("how often is the chiller inspected")
    assert top.path == str(note.resolve())


def test_no_reindexing_is_offered_for_the_model_the_library_already_uses(
    qtbot: Any, opened: Opened, tmp_path: Path
) -> None:
    window, services = opened.window, opened.services
    documents = services.documents
    assert isinstance(documents, DocumentService)
    index_a_note(qtbot, opened, tmp_path)
    install_copy(app_paths().models, name=TEST_NAME, languages=("en",))
    dialog = open_embedders(qtbot, window)
    use(qtbot, opened, TEST_ID)
    button(wait_for_offer(qtbot, window), "Later").click()

    # Back to the built-in model, which the library was indexed with and still uses.
    use(qtbot, opened, STARTER_EMBEDDER)
    qtbot.waitUntil(
        lambda: "already uses" in window.status.currentMessage(), timeout=CHECK_TIMEOUT_MS
    )
    assert window.status.currentMessage() == (
        "“default” already uses all-MiniLM-L6-v2 (built in): there is nothing to re-index."
    )
    assert box_named(window, "reindexOffer") is None
    assert not [b for b in dialog.findChildren(QMessageBox) if b.isVisible()]
    library = documents.catalog.library("default")
    assert library is not None
    assert library.embedding_model == STARTER_EMBEDDER


# --- parts without a window ----------------------------------------------------------------


def test_the_table_passes_the_model_tester(qtmodeltester: Any) -> None:
    builtin = InstalledEmbedder(
        STARTER_EMBEDDER,
        "all-MiniLM-L6-v2 (built in)",
        Path("/m/builtin"),
        "builtin",
        90_000_000,
        EmbedderManifest(STARTER_EMBEDDER, "x", 384, 256, languages=("en",)),
    )
    entries = load_embedders()
    overview = ModelsOverview(
        machine=None,  # type: ignore[arg-type]  # not read by the rows
        installed=[],
        active=None,
        catalog=[],
        pending=[],
        embedders=[builtin],
        active_embedder=builtin,
        embedder_catalog=[EmbedderChoice(e, False, 10 if i else 0) for i, e in enumerate(entries)],
    )
    table = EmbedderTableModel()
    table.set_rows(embedder_rows(overview), builtin)
    qtmodeltester.check(table)
    assert table.index(1, EmbedderTableModel.ACTION).data() == "Download"
    assert table.index(2, EmbedderTableModel.ACTION).data() == "Resume"  # a paused one
    table.set_downloads([entries[0].id], [])
    assert table.index(1, EmbedderTableModel.ACTION).data() == "Downloading…"
    assert languages_text(("en",)) == "English"
    assert languages_text(("en", "es")) == "English and Spanish"
    assert languages_text(("de", "fr", "it")) == "3 languages"
