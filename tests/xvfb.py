"""A private X server for runs of the real window on Qt's xcb platform.

Xvfb picks a free display number itself (`-displayfd`) and listens on no TCP
port. Used by the strace proof, the package's smoke test and bench/startup.py.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def xvfb() -> Iterator[str]:
    """Start Xvfb; yields its display (":N"), and stops it after."""
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as pipe:
        number = pipe.readline().strip()
    try:
        if not number:
            raise RuntimeError("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)
