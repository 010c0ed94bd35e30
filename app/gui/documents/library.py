"""Document work for the window: the library in use, and the jobs that change it.

Listing libraries and files reads SQLite, so it goes through
`TaskManager.run_in_background`. Adding, removing and re-indexing are jobs on
core's index worker, followed through `JobBridge`s; they run there one at a
time, in the order asked, and the Documents pane shows the one running. A file
that cannot be read is never an error dialog: its reason is listed in the pane,
and one line sums the job up. Files opened with Confidente (`open_files`, see
`opening`) are added by the same job, and selected in the pane once listed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Literal

from PySide6.QtCore import QCoreApplication, QObject, Signal, Slot

from app.core.documents.api import Documents
from app.core.documents.libraries import DEFAULT_LIBRARY, check_library_name
from app.core.documents.records import (
    FileOutcome,
    FileStatus,
    IndexedFile,
    IngestProgress,
    IngestReport,
)
from app.core.errors import ConfidenteError
from app.core.worker import Failed, Job
from app.gui.documents import opening
from app.gui.documents.document_model import row_from_outcome
from app.gui.documents.panel import DocumentsPanel, overall_text
from app.gui.errors import show_error
from app.gui.i18n import QT_TRANSLATE_NOOP
from app.gui.tasks import JobBridge, TaskManager

Action = Literal["add", "remove", "reindex", "delete"]

_COUNTED = (
    FileStatus.INDEXED,
    FileStatus.UNCHANGED,
    FileStatus.REMOVED,
    FileStatus.FAILED,
    FileStatus.SKIPPED,
    FileStatus.CANCELLED,
)


WHY_HINT = QT_TRANSLATE_NOOP(
    "LibraryController", " The Documents pane says why some files were not read."
)
FOLDER_OPENED = QT_TRANSLATE_NOOP(
    "LibraryController",
    "This is a folder, not a document. To read every document in it, "
    "use Add folder… in the Documents pane.",
)


def _counted(status: FileStatus, count: int) -> str:
    """'3 indexed': how many files of a job ended with this status."""
    translate = QCoreApplication.translate
    texts = {
        FileStatus.INDEXED: (
            translate("LibraryController", "{count} indexed", "one file"),
            translate("LibraryController", "{count} indexed", "more than one file"),
        ),
        FileStatus.UNCHANGED: (
            translate("LibraryController", "{count} unchanged", "one file"),
            translate("LibraryController", "{count} unchanged", "more than one file"),
        ),
        FileStatus.REMOVED: (
            translate("LibraryController", "{count} removed", "one file"),
            translate("LibraryController", "{count} removed", "more than one file"),
        ),
        FileStatus.FAILED: (
            translate("LibraryController", "{count} failed", "one file"),
            translate("LibraryController", "{count} failed", "more than one file"),
        ),
        FileStatus.SKIPPED: (
            translate("LibraryController", "{count} skipped", "one file"),
            translate("LibraryController", "{count} skipped", "more than one file"),
        ),
        FileStatus.CANCELLED: (
            translate("LibraryController", "{count} cancelled", "one file"),
            translate("LibraryController", "{count} cancelled", "more than one file"),
        ),
    }
    singular, plural = texts[status]
    return (singular if count == 1 else plural).format(count=count)


def outcomes_summary(library: str, outcomes: tuple[FileOutcome, ...] | list[FileOutcome]) -> str:
    """One line: 'Documents in “default”: 3 indexed, 1 failed.'"""
    parts = []
    for status in _COUNTED:
        count = sum(1 for o in outcomes if o.status is status)
        if count:
            parts.append(_counted(status, count))
    translate = QCoreApplication.translate
    counts = ", ".join(parts) if parts else translate("LibraryController", "no files found")
    return translate("LibraryController", "Documents in “{library}”: {counts}.").format(
        library=library, counts=counts
    )


def has_unread(outcomes: tuple[FileOutcome, ...]) -> bool:
    return any(o.status in (FileStatus.FAILED, FileStatus.SKIPPED) for o in outcomes)


def report_summary(report: IngestReport) -> str:
    text = outcomes_summary(report.library, report.outcomes)
    if report.pages:
        speed = report.pages / report.seconds if report.seconds > 0 else 0.0
        translate = QCoreApplication.translate
        read = (
            translate("LibraryController", " 1 page read in {seconds} s ({speed} pages/s).")
            if report.pages == 1
            else translate(
                "LibraryController", " {pages} pages read in {seconds} s ({speed} pages/s)."
            )
        )
        text += read.format(
            pages=report.pages, seconds=f"{report.seconds:.1f}", speed=f"{speed:.1f}"
        )
    return text


@dataclass
class _IndexJob:
    bridge: JobBridge
    action: Action
    library: str
    # Files opened with Confidente: what was settled without the job (counted in its
    # summary), and the rows to select once the job's files are listed.
    settled: tuple[FileOutcome, ...] = ()
    selects: tuple[str, ...] = ()


class LibraryController(QObject):
    """Fills the Documents pane and runs what it asks for.

    Signals:
        library_changed(str): the library in use (for the pane and for answers) is now this.
        indexing_progressed(str): a one-line summary of the work under way; "" once idle.
        job_ended(str): one line summing up a job that ended, for the status bar (or
            files opened with Confidente that needed none: already there, or folders).
        documents_added(str): a job indexed at least one file into this library.
        notice_received(str): something a job wants the user to know.
    """

    library_changed = Signal(str)
    indexing_progressed = Signal(str)
    job_ended = Signal(str)
    documents_added = Signal(str)
    notice_received = Signal(str)

    def __init__(
        self,
        documents: Documents,
        tasks: TaskManager,
        panel: DocumentsPanel,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._documents = documents
        self._tasks = tasks
        self._panel = panel
        self._library = DEFAULT_LIBRARY
        self._names: list[str] = [DEFAULT_LIBRARY]
        self._jobs: list[_IndexJob] = []
        self._catalog: list[IndexedFile] = []  # as last read
        self._extras: dict[str, IndexedFile] = {}  # reported by jobs, not kept by the catalog
        self._listing = 0  # generation of the latest file listing asked for
        self._warmed = False  # the embedding model was asked to load in the background
        # Rows to select once the file listing of this generation (or a later one) is shown.
        self._selecting: tuple[int, tuple[str, ...]] | None = None
        panel.set_libraries(self._names, self._library)
        panel.library_chosen.connect(self.choose_library)
        panel.library_named.connect(self.create_library)
        panel.add_requested.connect(self.add)
        panel.remove_requested.connect(self.remove)
        panel.reindex_requested.connect(self.reindex)
        panel.cancel_requested.connect(self.cancel)
        panel.delete_requested.connect(self.delete_library)

    @property
    def library(self) -> str:
        return self._library

    @property
    def busy(self) -> bool:
        return bool(self._jobs)

    def start(self) -> None:
        self._documents.start()  # ready before the first drop, started in the background
        self.refresh_libraries()
        self.refresh_files()

    # --- reading (off the GUI thread) ---------------------------------------------

    def refresh_libraries(self) -> None:
        self._tasks.run_in_background(self._documents.libraries, self._show_libraries)

    def _show_libraries(self, names: list[str]) -> None:
        self._names = [*names, *(n for n in self._names if n not in names)]
        self._panel.set_libraries(self._names, self._library)

    def refresh_files(self) -> None:
        self._listing += 1
        listing, library, documents = self._listing, self._library, self._documents
        self._tasks.run_in_background(
            lambda: documents.files(library), lambda files: self._show_files(listing, files)
        )

    def _show_files(self, listing: int, files: list[IndexedFile]) -> None:
        if listing != self._listing:
            return  # another library was chosen, or a newer listing is on its way
        self._catalog = files
        if not self._warmed and any(f.status == "indexed" for f in files):
            # Questions about these documents will need the embedding model: load it now,
            # on the index worker, rather than when the first question waits for it.
            self._warmed = True
            self._documents.warm_up(self._library)
        listed = {f.path for f in files}
        self._extras = {path: f for path, f in self._extras.items() if path not in listed}
        self._show()
        if self._selecting is not None and listing >= self._selecting[0]:
            self._panel.select_paths(self._selecting[1])
            self._selecting = None

    def _show(self) -> None:
        self._panel.show_files([*self._catalog, *self._extras.values()])

    # --- choosing ------------------------------------------------------------------

    @Slot(str)
    def choose_library(self, name: str) -> None:
        if name != self._library:
            self._library = name
            self._catalog, self._extras = [], {}
            self._show()
            self.refresh_files()
            self.library_changed.emit(name)
        self._panel.set_libraries(self._names, name)

    @Slot(str)
    def create_library(self, name: str) -> None:
        """A library exists in the catalog once files are added; until then only here."""
        try:
            name = check_library_name(name)
        except ConfidenteError as error:
            show_error(self._panel, error)
            return
        if name not in self._names:
            self._names.append(name)
        self.choose_library(name)

    # --- jobs on the index worker --------------------------------------------------

    @Slot(list)
    def add(self, paths: list[str]) -> None:
        if paths:
            self._add(paths)

    def _add(
        self,
        paths: list[str],
        settled: tuple[FileOutcome, ...] = (),
        selects: tuple[str, ...] = (),
    ) -> None:
        library = self._library
        waiting = (
            self.tr("Adding {count} item to “{library}”…")
            if len(paths) == 1
            else self.tr("Adding {count} items to “{library}”…")
        )
        self._start(
            "add",
            lambda: self._documents.add(paths, library),
            waiting.format(count=len(paths), library=library),
            settled=settled,
            selects=selects,
        )

    @Slot(list)
    def open_files(self, paths: list[str]) -> None:
        """Files opened with Confidente: add them to the library in use like Add files…
        does, and select them in the pane once listed. One already indexed and unchanged
        is only selected; a folder is refused, with why, in its own row."""
        if not paths:
            return
        library, documents = self._library, self._documents
        self._tasks.run_in_background(
            lambda: opening.sort_opened(paths, documents.files(library)),
            lambda opened: self._on_opened_sorted(library, paths, opened),
        )

    def _on_opened_sorted(
        self, library: str, paths: list[str], opened: opening.OpenedFiles
    ) -> None:
        if library != self._library:  # another library was chosen meanwhile: sort again
            self.open_files(paths)
            return
        folders = tuple(
            FileOutcome(path, FileStatus.SKIPPED, self.tr(FOLDER_OPENED)) for path in opened.folders
        )
        for outcome in folders:
            self._remember(outcome)
            self._panel.model.apply_outcome(outcome)
        settled = (*(FileOutcome(path, FileStatus.UNCHANGED) for path in opened.listed), *folders)
        if opened.new:
            self._add(opened.new, settled, tuple(opened.keys))
            return
        summary = outcomes_summary(library, settled)
        if not self._jobs:
            self._panel.show_idle(summary)
        self.job_ended.emit(summary + (self.tr(WHY_HINT) if has_unread(settled) else ""))
        self._panel.select_paths(opened.keys)

    @Slot(list)
    def remove(self, paths: list[str]) -> None:
        listed = {f.path for f in self._catalog}
        unlisted = [p for p in paths if p in self._extras and p not in listed]
        for path in unlisted:  # only reported by a job: nothing to take out of the index
            del self._extras[path]
        if unlisted:
            self._show()
        kept = [p for p in paths if p not in unlisted]
        if kept:
            library = self._library
            waiting = (
                self.tr("Removing {count} file…")
                if len(kept) == 1
                else self.tr("Removing {count} files…")
            )
            self._start(
                "remove",
                lambda: self._documents.remove(kept, library),
                waiting.format(count=len(kept)),
            )

    @Slot()
    def reindex(self) -> None:
        library = self._library
        self._start(
            "reindex",
            lambda: self._documents.reindex(library),
            self.tr("Re-indexing “{library}”…").format(library=library),
        )

    @Slot(str)
    def delete_library(self, library: str) -> None:
        self._start(
            "delete",
            lambda: self._documents.delete_library(library),
            self.tr("Deleting the library “{library}”…").format(library=library),
        )

    @Slot()
    def cancel(self) -> None:
        for job in self._jobs:
            job.bridge.cancel()

    def _start(
        self,
        action: Action,
        submit: Callable[[], Job[Any]],
        waiting: str,
        *,
        settled: tuple[FileOutcome, ...] = (),
        selects: tuple[str, ...] = (),
    ) -> None:
        try:
            job = submit()  # only queues the job: nothing is read here
        except ConfidenteError as error:
            show_error(self._panel, error)
            return
        bridge = self._tasks.follow(job)
        bridge.updated.connect(self.on_job_update)
        bridge.notice_received.connect(self.notice_received)
        bridge.finished.connect(self.on_job_finished)
        bridge.failed.connect(self.on_job_failed)
        self._jobs.append(_IndexJob(bridge, action, self._library, settled, selects))
        if len(self._jobs) == 1:
            self._panel.show_waiting(waiting)
            self.indexing_progressed.emit(waiting)

    def _job_of(self, sender: QObject | None) -> _IndexJob | None:
        return next((job for job in self._jobs if job.bridge is sender), None)

    @Slot(object)
    def on_job_update(self, value: object) -> None:
        job = self._job_of(self.sender())
        if job is None or not isinstance(value, IngestProgress):
            return
        self._panel.show_progress(value)
        self.indexing_progressed.emit(
            self.tr("Indexing “{library}”: {progress}").format(
                library=job.library, progress=overall_text(value)
            )
        )
        if value.outcome is not None and job.library == self._library:
            self._remember(value.outcome)
            self._panel.model.apply_outcome(value.outcome)

    def _remember(self, outcome: FileOutcome) -> None:
        """Keep what the catalog will not list (a skipped image, a cancelled new file)."""
        if outcome.status in (FileStatus.SKIPPED, FileStatus.FAILED, FileStatus.CANCELLED):
            row = row_from_outcome(outcome)
            if row is not None:
                self._extras[outcome.path] = row
        else:
            self._extras.pop(outcome.path, None)

    @Slot(object)
    def on_job_finished(self, result: object) -> None:
        job = self._job_of(self.sender())
        if job is None:
            return
        outcomes: tuple[FileOutcome, ...] = ()
        if isinstance(result, IngestReport):
            result = replace(result, outcomes=(*result.outcomes, *job.settled))
            outcomes = result.outcomes
            summary = report_summary(result)
        else:
            outcomes = tuple(result) if isinstance(result, list) else ()
            summary = outcomes_summary(job.library, outcomes)
        if job.action == "delete":
            self._forget_library(job.library)
            summary = self.tr("The library “{library}” was deleted ({count} documents).").format(
                library=job.library, count=len(outcomes)
            )
        elif job.library == self._library:
            for outcome in outcomes:
                self._remember(outcome)
        self._end(job, summary, self.tr(WHY_HINT) if has_unread(outcomes) else "")
        if any(o.status is FileStatus.INDEXED for o in outcomes):
            self.documents_added.emit(job.library)

    @Slot(object)
    def on_job_failed(self, failed: object) -> None:
        job = self._job_of(self.sender())
        if job is None or not isinstance(failed, Failed):
            return
        if not failed.expected:
            show_error(self._panel, failed.error, failed.report)
        self._end(
            job,
            self.tr("Documents in “{library}”: {error}").format(
                library=job.library, error=failed.error
            ),
        )

    def _forget_library(self, library: str) -> None:
        """After a delete: the library leaves the selector ("default" stays, empty)."""
        self._names = [n for n in self._names if n != library or n == DEFAULT_LIBRARY]
        if library == self._library:
            self._library = ""  # so that choosing the default below refreshes everything
            self.choose_library(DEFAULT_LIBRARY)
        else:
            self._panel.set_libraries(self._names, self._library)

    def _end(self, job: _IndexJob, summary: str, hint: str = "") -> None:
        """Show the summary in the pane, and with `hint` in the status bar."""
        self._jobs.remove(job)
        if self._jobs:
            self._panel.show_waiting(self.tr("Waiting for the next job…"))
        else:
            self._panel.show_idle(summary)
            self.indexing_progressed.emit("")
        self.job_ended.emit(summary + hint)
        self.refresh_libraries()
        self.refresh_files()
        if job.selects:
            self._selecting = (self._listing, job.selects)
