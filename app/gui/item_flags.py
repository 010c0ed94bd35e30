"""The item flags every list and table of the window shares: read-only, selectable rows."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

READ_ONLY_ROW = (
    Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren
)


def read_only_flags(index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
    """Flags for `QAbstractItemModel.flags`: none off the model, a read-only row on it."""
    return READ_ONLY_ROW if index.isValid() else Qt.ItemFlag.NoItemFlags
