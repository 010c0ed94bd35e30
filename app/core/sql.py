"""The SQLite Confidente's own stores use: SQLCipher 4 (AES-256), through sqlcipher3.

sqlcipher3 is the standard library's `sqlite3` module built against SQLCipher
(with FTS5), so it is typed as `sqlite3` here; its exception classes are its
own, which is why stores catch `sql.Error`, never `sqlite3.Error`. Chroma's
file is not one of ours: it keeps the standard module.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite3 import (
        Connection,
        DatabaseError,
        Error,
        OperationalError,
        connect,
    )
else:
    from sqlcipher3.dbapi2 import (
        Connection,
        DatabaseError,
        Error,
        OperationalError,
        connect,
    )

__all__ = ["Connection", "DatabaseError", "Error", "OperationalError", "connect"]
