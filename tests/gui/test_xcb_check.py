"""Before the window opens on X11: the system libraries Qt's xcb plugin needs."""

from __future__ import annotations

import pytest

from app.gui import xcb_check
from app.gui.main_window import run_gui
from app.gui.xcb_check import XCB_LIBRARIES, check_xcb, loadable, uses_xcb

X11 = {"QT_QPA_PLATFORM": "xcb"}


def test_missing_libraries_are_named_with_the_packages_to_install() -> None:
    gone = {"libxcb-cursor.so.0", "libxcb-keysyms.so.1"}
    message = check_xcb(X11, find=lambda soname: soname not in gone)
    assert message is not None
    assert "libxcb-cursor.so.0" in message
    assert "libxcb-keysyms.so.1" in message
    assert "sudo apt install libxcb-cursor0 libxcb-keysyms1\n" in message
    assert "libxcb-icccm" not in message  # only what is missing


def test_nothing_is_reported_when_the_libraries_are_present() -> None:
    assert check_xcb(X11, find=lambda soname: True) is None


def test_the_real_loader_finds_the_libraries_here() -> None:
    """This machine has them (the xcb plugin's ldd shows each): the sonames are right."""
    assert not loadable("libconfidente-no-such-library.so.9")
    assert [soname for soname in XCB_LIBRARIES if not loadable(soname)] == []
    assert check_xcb(X11) is None


@pytest.mark.parametrize(
    ("environ", "platform", "expected"),
    [
        ({"QT_QPA_PLATFORM": "xcb"}, "linux", True),
        ({"DISPLAY": ":0"}, "linux", True),  # Qt's default on Linux
        ({"QT_QPA_PLATFORM": "offscreen"}, "linux", False),
        ({"QT_QPA_PLATFORM": "wayland"}, "linux", False),
        ({"XDG_SESSION_TYPE": "wayland", "WAYLAND_DISPLAY": "wayland-0"}, "linux", False),
        ({}, "win32", False),
        ({}, "darwin", False),
    ],
)
def test_only_the_xcb_platform_is_checked(
    environ: dict[str, str], platform: str, expected: bool
) -> None:
    assert uses_xcb(environ, platform) is expected


def test_other_platforms_skip_the_check() -> None:
    assert check_xcb({"QT_QPA_PLATFORM": "offscreen"}, find=lambda soname: False) is None


def test_the_window_is_not_opened_when_a_library_is_missing(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setattr("app.gui.main_window.install_network_guard", lambda: None)
    monkeypatch.setattr(xcb_check, "loadable", lambda soname: soname != "libxcb-cursor.so.0")
    assert run_gui(["confidente"], None) == 1
    error = capsys.readouterr().err
    assert "libxcb-cursor.so.0" in error
    assert "sudo apt install libxcb-cursor0" in error
