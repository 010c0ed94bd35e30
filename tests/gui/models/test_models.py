"""Bring your own model, in the window: the Models dialog over the real core (inventory,
catalog and fit, the child-process model check, llama.cpp loading the real starter
model), dropping model files, switching, removing, downloads and the token.

Downloads go to `tests.hub_standin.HubStandIn`, a local HTTP server answering as the
Hugging Face Hub does: there is no internet here, and tests must never reach it.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import keyring
import pytest
from keyring.backends import fail
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QKeySequence
from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QPushButton

from app.core.models import token as hf_token
from app.core.models.download import DownloadProgress, DownloadRequest
from app.core.models.fit import Fit, Gpu, Machine, Verdict
from app.core.models.inventory import InstalledModel
from app.core.models.model_catalog import load_catalog
from app.core.models.service import CatalogChoice
from app.core.models.starter import STARTER_FILENAME
from app.core.settings import load_settings
from app.gui.main_window import MainWindow
from app.gui.models.controller import ModelsController, download_name
from app.gui.models.dialog import ModelsDialog
from app.gui.models.tables import (
    VERDICT_COLOURS,
    ActiveRole,
    CatalogTableModel,
    InstalledTableModel,
    KeyRole,
    machine_text,
    progress_text,
)
from tests.gui_windows import Opened, drop
from tests.hub_standin import HubStandIn
from tests.keyring_standin import StandInKeyring

# Qt's offscreen platform cannot raise windows (the dialog is raised when opened).
pytestmark = pytest.mark.qt_log_ignore("This plugin does not support raise")

LOAD_TIMEOUT_MS = 30_000
CHECK_TIMEOUT_MS = 30_000  # the model check spawns a Python that imports llama.cpp
DOWNLOAD_TIMEOUT_MS = 15_000
HUB_FILE = "owner/repo/tiny.gguf"
# Four MiB that are not a model: a download is checked by its SHA-256, not loaded.
DOWNLOAD_DATA = bytes(range(256)) * (4 * 4096)


@pytest.fixture
def opened(starter_window: Opened) -> Opened:
    """A window on real Services using the starter (no model_path), loaded and ready."""
    return starter_window


def open_models(qtbot: Any, window: MainWindow) -> ModelsDialog:
    """Open the dialog from the menu and wait for its lists."""
    with qtbot.waitSignal(window.models.overview_loaded, timeout=CHECK_TIMEOUT_MS):
        window.models_action.trigger()
    dialog = window.models_dialog
    assert dialog is not None
    assert dialog.isVisible()
    return dialog


def refreshed(qtbot: Any, window: MainWindow) -> None:
    with qtbot.waitSignal(window.models.overview_loaded, timeout=CHECK_TIMEOUT_MS):
        window.models.refresh()


def installed_rows(dialog: ModelsDialog) -> dict[str, InstalledModel]:
    return {m.path.name: m for m in dialog.installed.rows()}


def select(dialog: ModelsDialog, file_name: str) -> None:
    row = next(i for i, m in enumerate(dialog.installed.rows()) if m.path.name == file_name)
    dialog.installed_view.selectRow(row)


def is_active(dialog: ModelsDialog, file_name: str) -> bool:
    """Whether the Installed list marks this file as the model in use."""
    rows = [i for i, m in enumerate(dialog.installed.rows()) if m.path.name == file_name]
    return bool(rows) and dialog.installed.index(rows[0], 0).data(ActiveRole) is True


def boxes(window: MainWindow, name: str = "") -> list[QMessageBox]:
    return [
        box
        for box in window.findChildren(QMessageBox)
        if box.isVisible() and (not name or box.objectName() == name)
    ]


def offer(window: MainWindow) -> QMessageBox | None:
    found = boxes(window, "useModelOffer")
    return found[0] if found else None


def button(box: QMessageBox, text: str) -> QPushButton:
    found = next(b for b in box.buttons() if b.text() == text)
    assert isinstance(found, QPushButton)
    return found


# --- the dialog -------------------------------------------------------------------------


def test_the_dialog_shows_this_machine_the_starter_in_use_and_the_catalog_with_its_fit(
    qtbot: Any, opened: Opened
) -> None:
    window = opened.window
    assert window.models_action.shortcut() == QKeySequence("Ctrl+M")
    dialog = open_models(qtbot, window)

    text = dialog.machine_label.text()
    assert "memory" in text
    assert "cores" in text or "1 core" in text
    assert "GPU" in text  # a GPU and its free memory, or "no GPU offload"

    rows = installed_rows(dialog)
    starter = rows[STARTER_FILENAME]
    assert starter.source == "starter"
    row = dialog.installed.row_of(str(starter.path))
    assert row is not None
    name = dialog.installed.index(row, InstalledTableModel.NAME)
    assert name.data(ActiveRole) is True
    font = name.data(Qt.ItemDataRole.FontRole)
    assert isinstance(font, QFont)
    assert font.bold()
    assert "in use" in str(name.data(Qt.ItemDataRole.AccessibleTextRole))
    dialog.installed_view.selectRow(row)
    assert not dialog.use_button.isEnabled()  # already in use
    assert not dialog.remove_button.isEnabled()  # the starter ships with the app

    catalog = load_catalog()
    assert dialog.catalog.rowCount() == len(catalog) > 0
    verdicts = set()
    for row, choice in enumerate(dialog.catalog.rows()):
        fit = dialog.catalog.index(row, CatalogTableModel.FIT)
        verdict = choice.fit.verdict
        verdicts.add(verdict)
        assert fit.data() in {"Fits", "Slow", "Won't fit"}
        assert choice.fit.reason in str(fit.data(Qt.ItemDataRole.ToolTipRole))
        background = fit.data(Qt.ItemDataRole.BackgroundRole)
        assert background.name() == VERDICT_COLOURS[verdict][0]
        action = dialog.catalog_view.indexWidget(
            dialog.catalog.index(row, CatalogTableModel.ACTION)
        )
        assert isinstance(action, QPushButton)
        assert action.text() == "Download"
        assert action.isEnabled()
    assert {c.entry.id for c in dialog.catalog.rows()} == {e.id for e in catalog}

    dialog.resize(800, 600)  # usable on a small screen
    hint = dialog.minimumSizeHint()
    assert hint.width() <= 800
    assert hint.height() <= 600
    assert not dialog.downloads_box.isVisible()  # no download yet
    assert not boxes(window)


# --- importing and switching ---------------------------------------------------------------


def test_a_dropped_model_is_added_then_used_then_forgotten_without_touching_its_file(
    qtbot: Any, opened: Opened, starter_model: Path, tmp_path: Path
) -> None:
    window, services = opened.window, opened.services
    mine = tmp_path / "my-model.gguf"
    shutil.copy(starter_model, mine)
    assert services.settings.model_path is None  # the starter

    drop(window, mine)
    assert "my-model.gguf is a model file" in window.chat_view.plain_text()
    qtbot.waitUntil(lambda: offer(window) is not None, timeout=CHECK_TIMEOUT_MS)
    box = offer(window)
    assert box is not None
    assert "Gemma" in box.text()  # named from the file's own metadata
    assert "was added" in window.status.currentMessage()

    dialog = open_models(qtbot, window)
    added = installed_rows(dialog)["my-model.gguf"]
    assert added.source == "import"
    assert added.path == mine.resolve()
    row = dialog.installed.row_of(str(added.path))
    assert row is not None
    assert dialog.installed.index(row, InstalledTableModel.SOURCE).data() == "Your file"
    assert dialog.installed.index(row, 0).data(ActiveRole) is False

    # "Use it now" checks the file, saves the setting and loads the model.
    with qtbot.waitSignal(window.models.model_switched, timeout=CHECK_TIMEOUT_MS):
        button(box, "Use it now").click()
    assert services.settings.model_path == str(mine.resolve())
    saved = load_settings(services.paths.settings_file).settings
    assert saved.model_path == str(mine.resolve())
    assert window.banner.isVisible()  # loading again
    qtbot.waitUntil(lambda: window.model_state == "ready", timeout=LOAD_TIMEOUT_MS)
    assert window.model is not None
    assert Path(window.model.path).resolve() == mine.resolve()
    assert "CPU" in window.status.model_label.text() or "GPU" in window.status.model_label.text()
    qtbot.waitUntil(lambda: is_active(dialog, "my-model.gguf"), timeout=CHECK_TIMEOUT_MS)
    assert not is_active(dialog, STARTER_FILENAME)
    select(dialog, "my-model.gguf")
    assert not dialog.remove_button.isEnabled()  # not the one in use
    drop(window, mine)  # again: it is the one in use, so nothing is offered
    qtbot.waitUntil(
        lambda: "already the model in use" in window.status.currentMessage(),
        timeout=CHECK_TIMEOUT_MS,
    )
    assert offer(window) is None
    assert len(installed_rows(dialog)) == 2

    # Back to the starter from the dialog, then forget the file: it stays on disk.
    select(dialog, STARTER_FILENAME)
    assert dialog.use_button.isEnabled()
    with qtbot.waitSignal(window.models.model_switched, timeout=CHECK_TIMEOUT_MS):
        qtbot.mouseClick(dialog.use_button, Qt.MouseButton.LeftButton)
    assert services.settings.model_path is None
    qtbot.waitUntil(lambda: window.model_state == "ready", timeout=LOAD_TIMEOUT_MS)
    assert window.model is not None
    assert Path(window.model.path).name == STARTER_FILENAME
    refreshed(qtbot, window)
    select(dialog, "my-model.gguf")
    assert dialog.remove_button.isEnabled()
    selected = dialog.selected_model()
    assert selected is not None
    confirm = dialog.confirm_remove(selected)
    assert "stays where it is" in confirm.text()
    with qtbot.waitSignal(window.models.overview_loaded, timeout=CHECK_TIMEOUT_MS):
        button(confirm, "Forget it").click()
    assert "my-model.gguf" not in installed_rows(dialog)
    assert mine.is_file()
    assert "its file stays" in window.status.currentMessage()
    assert not dialog_errors(dialog)


def test_a_hostile_model_file_is_refused_and_nothing_is_lost(
    qtbot: Any, opened: Opened, starter_model: Path, tmp_path: Path
) -> None:
    window, services = opened.window, opened.services
    garbage = tmp_path / "garbage.gguf"
    garbage.write_bytes(b"GGUF" + bytes(range(7, 250)) * 64)
    truncated = tmp_path / "truncated.gguf"
    with starter_model.open("rb") as source:
        truncated.write_bytes(source.read(1 << 20))
    model_before = window.model

    drop(window, garbage, truncated)
    qtbot.waitUntil(
        lambda: window.chat_view.plain_text().count("was not added to your models") == 2,
        timeout=CHECK_TIMEOUT_MS,
    )
    chat = window.chat_view.plain_text()
    assert "garbage.gguf was not added to your models:" in chat
    assert "truncated.gguf was not added to your models:" in chat
    assert offer(window) is None
    assert window.model_state == "ready"
    assert window.model is model_before
    assert services.settings.model_path is None
    assert garbage.is_file()
    assert truncated.stat().st_size == 1 << 20  # the user's files are left alone

    # From the dialog, the refusal is a message over it, and the list is unchanged.
    dialog = open_models(qtbot, window)
    assert set(installed_rows(dialog)) == {STARTER_FILENAME}
    dialog.on_file_picked(str(garbage))
    qtbot.waitUntil(lambda: bool(dialog_errors(dialog)), timeout=CHECK_TIMEOUT_MS)
    error = dialog_errors(dialog)[0]
    assert error.icon() == QMessageBox.Icon.Warning  # expected: a message, not a bug report
    assert "garbage.gguf" in error.text()
    refreshed(qtbot, window)
    assert set(installed_rows(dialog)) == {STARTER_FILENAME}


def dialog_errors(dialog: ModelsDialog) -> list[QMessageBox]:
    return [
        b
        for b in dialog.findChildren(QMessageBox)
        if b.isVisible() and b.accessibleName() == "Error"
    ]


# --- downloads -----------------------------------------------------------------------------


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[HubStandIn]:
    """The Hub stand-in serving a throttled file (about two seconds), so it can be paused."""
    with HubStandIn() as standin:
        standin.add_file("owner/repo", "tiny.gguf", DOWNLOAD_DATA, bytes_per_second=2e6)
        monkeypatch.setenv("HF_ENDPOINT", standin.endpoint)
        yield standin


def test_a_download_shows_progress_pauses_resumes_and_finishes(
    qtbot: Any, hub: HubStandIn, opened: Opened
) -> None:
    window = opened.window
    controller = window.models
    dialog = open_models(qtbot, window)
    seen: list[str] = []

    def sample() -> None:
        row = dialog.downloads_box.rows.get(HUB_FILE)
        if row is not None:
            seen.append(row.detail.text())

    controller.downloads_changed.connect(sample)
    controller.download(HUB_FILE, "Tiny")
    assert dialog.downloads_box.isVisible()
    row = dialog.downloads_box.rows[HUB_FILE]
    assert row.title.text() == "Tiny"
    qtbot.waitUntil(lambda: state(controller).done > 0, timeout=DOWNLOAD_TIMEOUT_MS)
    assert state(controller).status == "running"
    assert " of 4.2 MB · " in row.detail.text()
    assert 0 < row.bar.value() < 1000

    qtbot.mouseClick(row.pause_button, Qt.MouseButton.LeftButton)
    assert row.detail.text() == "Pausing…"
    qtbot.waitUntil(lambda: state(controller).status == "paused", timeout=DOWNLOAD_TIMEOUT_MS)
    paused_at = state(controller).done
    assert paused_at < len(DOWNLOAD_DATA)
    assert row.detail.text().startswith("Paused at ")
    assert row.resume_button.isVisible()
    assert not row.pause_button.isVisible()
    assert not boxes(window)  # pausing is not an error

    qtbot.mouseClick(row.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: offer(window) is not None, timeout=DOWNLOAD_TIMEOUT_MS)
    assert HUB_FILE not in dialog.downloads_box.rows
    assert not dialog.downloads_box.isVisible()
    ranges = [r.range for r in hub.requests if r.method == "GET" and r.range]
    assert ranges
    assert int(ranges[-1].removeprefix("bytes=").rstrip("-")) > 0  # resumed, not restarted
    assert any("MB/s" in line for line in seen)
    assert any(line.startswith("Checking the file’s SHA-256") for line in seen)
    downloaded = opened.services.paths.models / "tiny.gguf"
    assert downloaded.read_bytes() == DOWNLOAD_DATA
    box = offer(window)
    assert box is not None
    assert "was downloaded" in box.text()
    button(box, "Not now").click()

    # Listed as downloaded; removing it deletes the file, after saying so.
    refreshed(qtbot, window)
    model = installed_rows(dialog)["tiny.gguf"]
    assert model.source == "download"
    confirm = dialog.confirm_remove(model)
    assert "deleted from your disk" in confirm.text()
    with qtbot.waitSignal(controller.overview_loaded, timeout=CHECK_TIMEOUT_MS):
        button(confirm, "Delete the file").click()
    assert "tiny.gguf" not in installed_rows(dialog)
    assert not downloaded.exists()


def state(controller: ModelsController) -> Any:
    return next(s for s in controller.downloads if s.name == HUB_FILE)


def test_a_paused_download_is_listed_next_time_and_cancel_deletes_it(
    qtbot: Any, hub: HubStandIn, opened: Opened
) -> None:
    window, services = opened.window, opened.services
    controller = window.models
    dialog = open_models(qtbot, window)
    controller.download(HUB_FILE, "Tiny")
    qtbot.waitUntil(lambda: state(controller).done > 0, timeout=DOWNLOAD_TIMEOUT_MS)
    controller.pause(HUB_FILE)
    qtbot.waitUntil(lambda: state(controller).status == "paused", timeout=DOWNLOAD_TIMEOUT_MS)
    partial = services.paths.models / "downloads" / "tiny.gguf.partial"
    assert partial.stat().st_size > 0

    # Another session (a controller that never saw it start) lists it, paused.
    later = ModelsController(services.models, window.tasks, lambda: services.settings)
    with qtbot.waitSignal(later.overview_loaded, timeout=CHECK_TIMEOUT_MS):
        later.refresh()
    (pending,) = later.downloads
    assert pending.name == HUB_FILE
    assert pending.status == "paused"
    assert pending.done == partial.stat().st_size

    # Cancel from the dialog deletes the partial file.
    row = dialog.downloads_box.rows[HUB_FILE]
    with qtbot.waitSignal(controller.overview_loaded, timeout=CHECK_TIMEOUT_MS):
        qtbot.mouseClick(row.cancel_button, Qt.MouseButton.LeftButton)
    assert HUB_FILE not in dialog.downloads_box.rows
    assert not partial.exists()
    assert services.models.pending_downloads() == []

    # Cancelling a running download deletes what it fetched too.
    controller.download(HUB_FILE, "Tiny")
    qtbot.waitUntil(lambda: state(controller).done > 0, timeout=DOWNLOAD_TIMEOUT_MS)
    with qtbot.waitSignal(controller.overview_loaded, timeout=CHECK_TIMEOUT_MS):
        qtbot.mouseClick(
            dialog.downloads_box.rows[HUB_FILE].cancel_button, Qt.MouseButton.LeftButton
        )
    assert controller.downloads == []
    assert not partial.exists()
    assert "cancelled" in window.status.currentMessage()
    assert not boxes(window)


@pytest.fixture
def keychain() -> Iterator[None]:
    """Restore the keyring backend a test switches to; never the developer's real keychain."""
    previous = keyring.get_keyring()
    yield
    keyring.set_keyring(previous)


def ask_token(qtbot: Any, dialog: ModelsDialog) -> QInputDialog:
    qtbot.mouseClick(dialog.token_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool(input_dialogs(dialog)), timeout=5000)
    ask = input_dialogs(dialog)[0]
    assert ask.textEchoMode() == QLineEdit.EchoMode.Password  # never shown on screen
    return ask


def test_the_token_goes_to_the_keychain_or_the_user_is_told_there_is_none(
    qtbot: Any, opened: Opened, keychain: None
) -> None:
    window = opened.window
    dialog = open_models(qtbot, window)
    keyring.set_keyring(fail.Keyring())  # type: ignore[no-untyped-call]  # no keychain at all
    ask = ask_token(qtbot, dialog)
    assert "No token is stored" in ask.labelText()
    ask.setTextValue("hf_abcdefghijklmnop")
    ask.accept()
    qtbot.waitUntil(lambda: bool(dialog_errors(dialog)), timeout=5000)
    assert "No OS keychain is available" in dialog_errors(dialog)[0].text()
    dialog_errors(dialog)[0].close()

    # With a keychain (a stand-in: this machine has no Secret Service), it is kept there.
    keyring.set_keyring(StandInKeyring())
    ask = ask_token(qtbot, dialog)
    ask.setTextValue("hf_abcdefghijklmnop")
    ask.accept()
    qtbot.waitUntil(lambda: "saved" in dialog.status_label.text(), timeout=5000)
    assert hf_token.get_token() == "hf_abcdefghijklmnop"
    ask = ask_token(qtbot, dialog)
    assert "A token is stored" in ask.labelText()
    assert "hf_abc" not in ask.labelText()  # never shown back
    assert ask.textValue() == ""
    ask.accept()  # empty: forget it
    qtbot.waitUntil(lambda: "removed" in dialog.status_label.text(), timeout=5000)
    assert hf_token.get_token() is None
    assert not dialog_errors(dialog)


def input_dialogs(dialog: ModelsDialog) -> list[QInputDialog]:
    return [d for d in dialog.findChildren(QInputDialog) if d.isVisible()]


# --- parts without a model -----------------------------------------------------------------


def test_the_tables_pass_the_model_tester(qtbot: Any, qtmodeltester: Any) -> None:
    installed = InstalledTableModel()
    starter = InstalledModel("starter", "Starter", Path("/m/s.gguf"), "starter", 250_000_000, True)
    mine = InstalledModel("mine", "Mine", Path("/d/mine.gguf"), "import", 2_100_000_000, False)
    installed.set_models([starter, mine], starter)
    qtmodeltester.check(installed)
    assert installed.index(1, InstalledTableModel.SIZE).data() == "missing"
    assert installed.index(0, InstalledTableModel.SIZE).data() == "250 MB"
    assert installed.index(1, 0).data(KeyRole) == "/d/mine.gguf"

    entry = load_catalog()[0]
    catalog = CatalogTableModel()
    fits = Fit(Verdict.FITS, 1 << 30, 0, 30.0, "about 1.0 GiB on the CPU")
    wont = Fit(Verdict.WONT_FIT, 1 << 36, 0, 1.0, "needs about 64 GiB")
    catalog.set_choices([CatalogChoice(entry, fits, False, 0), CatalogChoice(entry, wont, True, 0)])
    qtmodeltester.check(catalog)
    assert catalog.index(1, CatalogTableModel.FIT).data() == "Won't fit"
    assert catalog.index(1, CatalogTableModel.ACTION).data() == "Installed"
    catalog.set_downloads([], [entry.id])
    assert catalog.index(0, CatalogTableModel.ACTION).data() == "Resume"
    catalog.set_downloads([entry.id], [])
    assert catalog.index(0, CatalogTableModel.ACTION).data() == "Downloading…"


def test_download_and_machine_lines_read_as_designed() -> None:
    progress = DownloadProgress("m", "downloading", 1_200_000_000, 2_000_000_000, 8.5e6, 65.0)
    assert progress_text(progress) == "1.2 of 2.0 GB · 8.5 MB/s · 1 min left"
    assert progress_text(DownloadProgress("m", "connecting", 0, None, 0, None)).startswith(
        "Connecting"
    )
    cpu = Machine(8, 16_000_000_000, 9_100_000_000)
    assert machine_text(cpu) == (
        "This computer: 16.0 GB memory (9.1 GB free) · 8 cores · no GPU offload"
    )
    card = Gpu("RTX 4060", 8_000_000_000, 7_500_000_000, "nvidia-smi")
    gpu = Machine(4, 32_000_000_000, 20_000_000_000, (card,), gpu_offload=True)
    assert "GPU: RTX 4060, 7.5 GB of 8.0 GB free" in machine_text(gpu)
    unused = Machine(4, 32_000_000_000, 20_000_000_000, (card,), gpu_offload=False)
    assert "RTX 4060 found, but no GPU offload" in machine_text(unused)
    # A paused download is resumed by the name core knows it by.
    hub_request = DownloadRequest.from_hub_path(HUB_FILE)
    assert download_name(hub_request, {"qwen"}) == HUB_FILE
    assert download_name(DownloadRequest.from_entry(load_catalog()[0]), {load_catalog()[0].id}) == (
        load_catalog()[0].id
    )
