"""Everything a front end needs, wired once: paths, settings, storage, model, chat, documents.

The GUI and the CLI both build one `Services` and call it; neither touches
llama.cpp or SQLite directly.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from app.core.chat import ChatService
from app.core.documents.service import DocumentService
from app.core.models import ModelService
from app.core.paths import AppPaths, app_paths
from app.core.settings import Settings, load_settings
from app.core.storage import ConversationStore
from app.core.worker import ModelWorker, Worker


class Services:
    def __init__(self, paths: AppPaths | None = None, **overrides: Any) -> None:
        """`overrides` change settings for this run only (e.g. `model_path` from --model)."""
        self.paths = (paths or app_paths()).ensure()
        loaded = load_settings(self.paths.settings_file)
        self.warnings: list[str] = list(loaded.warnings)
        settings = loaded.settings
        if overrides:
            settings = replace(settings, **overrides).validated()
        self.settings: Settings = settings
        self.store = ConversationStore(self.paths.conversations_db)
        self.worker = ModelWorker()
        self.models = ModelService(self.worker, self.paths)
        self.index_worker = Worker("index")
        self.documents = DocumentService(self.index_worker, self.paths, lambda: self.settings)
        self.chat = ChatService(self.worker, self.store, lambda: self.settings, self.documents)

    def close(self) -> None:
        self.worker.shutdown()
        self.index_worker.shutdown()
        self.documents.close()
        self.store.close()
