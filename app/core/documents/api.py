"""What front ends and the chat service may ask of the documents, wherever they run.

`DocumentService` does it on a thread of this process (the CLI); `DocumentsProcess`
has a child process do it (the GUI). Both satisfy this protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from app.core.cancel import CancelToken
from app.core.documents.language import Language
from app.core.documents.records import Extracted, FileOutcome, IndexedFile, IngestReport, Source
from app.core.worker import Job


class Documents(Protocol):
    def start(self) -> None: ...

    def libraries(self) -> list[str]: ...

    def files(self, library: str = ...) -> list[IndexedFile]: ...

    def search(
        self,
        query: str,
        library: str = ...,
        k: int = ...,
        mode: str = ...,
        also: Sequence[str] = ...,
    ) -> list[Source]: ...

    def languages(self, library: str = ...) -> frozenset[Language]: ...

    def uses_other_embedder(self, library: str = ...) -> bool: ...

    def read_document(self, path: str | Path, cancel: CancelToken | None = None) -> Extracted: ...

    def add(self, paths: Sequence[str | Path], library: str = ...) -> Job[IngestReport]: ...

    def reindex(self, library: str = ...) -> Job[IngestReport]: ...

    def remove(self, paths: Sequence[str | Path], library: str = ...) -> Job[list[FileOutcome]]: ...

    def delete_library(self, library: str) -> Job[list[FileOutcome]]: ...

    def warm_up(self, library: str = ...) -> Job[bool]: ...

    def close(self) -> None: ...
