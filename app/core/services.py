"""Everything a front end needs, wired once: paths, settings, storage, model, chat, documents.

The GUI and the CLI both build one `Services` and call it; neither touches
llama.cpp or SQLite directly.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.core.chat.service import ChatService
from app.core.chat.storage import ConversationStore
from app.core.data_key import DataKey, unlock
from app.core.documents.api import Documents
from app.core.documents.process import DocumentsProcess
from app.core.documents.service import DocumentService
from app.core.models.service import ModelService
from app.core.models.worker import ModelWorker
from app.core.paths import AppPaths, app_paths
from app.core.settings import Settings, load_settings, save_settings
from app.core.tasks.service import TaskService
from app.core.worker import Worker


class Services:
    def __init__(
        self,
        paths: AppPaths | None = None,
        *,
        documents_process: bool = False,
        key: DataKey | None = None,
        **overrides: Any,
    ) -> None:
        """`overrides` change settings for this run only (e.g. `model_path` from --model).

        With `documents_process`, the document index runs in a child process (the GUI's
        choice: embedding and index writes then cannot hold up the window); otherwise
        on a thread here (the CLI's: one command, nothing to keep responsive).

        `key` opens the encrypted stores; by default `data_key.unlock` finds it (the
        keychain or the passphrase file), and DataKeyError says so when it cannot.
        """
        self.paths = (paths or app_paths()).ensure()
        self.key = key or unlock(self.paths)
        loaded = load_settings(self.paths.settings_file)
        self.warnings: list[str] = list(loaded.warnings)
        settings = self._saved = loaded.settings
        if overrides:
            settings = replace(settings, **overrides).validated()
        self.settings: Settings = settings
        self.store = ConversationStore(self.paths.conversations_db, self.key)
        self.worker = ModelWorker()
        self.models_worker = Worker("models")  # model file checks, imports, the catalog's fit
        self.download_worker = Worker("download")  # one download at a time
        self.models = ModelService(
            self.worker,
            self.paths,
            models_worker=self.models_worker,
            download_worker=self.download_worker,
            settings=lambda: self.settings,
            update_settings=self.update_settings,
        )
        self.warnings.extend(self.models.inventory.check())  # a broken registry is set aside
        self.index_worker: Worker | None = None
        self.documents: Documents
        if documents_process:
            self.documents = DocumentsProcess(
                self.paths,
                lambda: self.settings,
                forget_sources=self.store.forget_sources,
                key=self.key,
            )
        else:
            self.index_worker = Worker("index")
            self.documents = DocumentService(
                self.index_worker,
                self.paths,
                lambda: self.settings,
                forget_sources=self.store.forget_sources,
                key=self.key,
            )
        self.chat = ChatService(self.worker, self.store, lambda: self.settings, self.documents)
        self.tasks = TaskService(self.worker, self.documents, lambda: self.settings)

    def update_settings(self, **changes: Any) -> Settings:
        """Validate, save and apply changed settings (e.g. `model_path` after `models use`)."""
        saved = self._saved.updated(**changes)  # this run's overrides are not saved
        settings = self.settings.updated(**changes)
        save_settings(self.paths.settings_file, saved)
        self._saved, self.settings = saved, settings
        return settings

    def close(self) -> None:
        self.download_worker.shutdown()
        self.models_worker.shutdown()
        self.worker.shutdown()
        if self.index_worker is not None:
            self.index_worker.shutdown()
        self.documents.close()
        self.store.close()
