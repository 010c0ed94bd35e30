"""Before Qt starts on X11: are the system libraries its xcb plugin needs installed?

Without them Qt aborts with "Could not load the Qt platform plugin "xcb"", which
tells a new user nothing. PySide6's wheel bundles Qt but not these libraries; a
fresh Debian or Ubuntu desktop lacks some (libxcb-cursor0 first of all). The list
is what `ldd` shows PySide6 6.x's `plugins/platforms/libqxcb.so` needs from the
system, with the Debian/Ubuntu package that provides each.
"""

from __future__ import annotations

import ctypes
import os
import sys
from collections.abc import Callable, Mapping

# soname -> Debian/Ubuntu package
XCB_LIBRARIES: dict[str, str] = {
    "libxcb.so.1": "libxcb1",
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libX11.so.6": "libx11-6",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
}


def loadable(soname: str) -> bool:
    """Whether the dynamic loader finds `soname` (as it would for Qt's plugin)."""
    try:
        ctypes.CDLL(soname)
    except OSError:
        return False
    return True


def uses_xcb(environ: Mapping[str, str] | None = None, platform: str | None = None) -> bool:
    """Whether Qt will pick its xcb plugin: asked for, or the default on a Linux X11 session."""
    env = os.environ if environ is None else environ
    chosen = env.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return chosen.split(":")[0].split(";")[0] == "xcb"
    if not (platform or sys.platform).startswith("linux"):
        return False  # Windows and macOS have their own plugins
    wayland = env.get("XDG_SESSION_TYPE") == "wayland" and bool(env.get("WAYLAND_DISPLAY"))
    return not wayland


def missing_xcb_libraries(find: Callable[[str], bool] | None = None) -> list[str]:
    """The sonames from XCB_LIBRARIES that cannot be loaded (by `find`, else `loadable`)."""
    found = find or loadable
    return [soname for soname in XCB_LIBRARIES if not found(soname)]


def missing_message(missing: list[str]) -> str:
    packages = " ".join(dict.fromkeys(XCB_LIBRARIES[soname] for soname in missing))
    return (
        "Confidente cannot open its window: these system libraries, which Qt needs "
        f"on X11 (xcb), are missing: {', '.join(missing)}.\n"
        f"On Debian or Ubuntu, install them with:\n    sudo apt install {packages}\n"
        "(other distributions name the packages similarly, e.g. xcb-util-cursor on Fedora)."
    )


def check_xcb(
    environ: Mapping[str, str] | None = None, find: Callable[[str], bool] | None = None
) -> str | None:
    """None when Qt can start here; else the message naming what to install."""
    if not uses_xcb(environ):
        return None
    missing = missing_xcb_libraries(find)
    return missing_message(missing) if missing else None
