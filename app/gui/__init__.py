"""The desktop window: PySide6 widgets and Qt models over `app.core.services`.

Only this package imports Qt. It never runs model work, file or SQLite access on
the GUI thread: `tasks` is the one place that moves work off it and brings
results back as signals.
"""

from app.gui import pyside_fix

# Before any signal is emitted: PySide6 6.12.0 on Python 3.11 would otherwise
# abort the process after a few thousand signals (see pyside_fix).
pyside_fix.apply()
