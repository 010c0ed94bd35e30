"""The built .deb, installed into a scratch root, works as a user gets it.

Run by `make package-test` (which `.ci/run` calls) with CONFIDENTE_DEB naming the
package `make package` built; skipped in the ordinary suite, which has no package.
Every check runs the frozen program itself, outside pytest, with an empty HOME:

- `--version`, and `--self-test` with networking cut (`unshare -rn`): the window
  (offscreen), the bundled starter answering, the sample PDF read by the sandboxed
  reader child and found by the index — a missing library, hidden import, data
  file or model fails here;
- the real window on a real X server (Xvfb, Qt's xcb platform): a top-level
  window titled "Confidente" appears;
- the package's metadata: the launcher, icons and metainfo where the desktop
  looks for them, `confidente` on the PATH, and `Depends:` naming the X libraries
  Qt's xcb plugin loads.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.xvfb import xvfb

DEB = os.environ.get("CONFIDENTE_DEB", "")
APP_ID = "io.github.confidente.Confidente"
WINDOW_TIMEOUT_S = 180.0
LINUX = Path(__file__).resolve().parents[2] / "packaging" / "linux"

pytestmark = pytest.mark.skipif(not DEB, reason="no package: run `make package-test`")


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    deb = Path(DEB)
    assert deb.is_file(), f"CONFIDENTE_DEB={DEB} is not a file: run `make package` first"
    scratch = tmp_path_factory.mktemp("root")
    subprocess.run(["dpkg-deb", "-x", str(deb), str(scratch)], check=True)
    return scratch


@pytest.fixture
def home(tmp_path: Path) -> Path:
    empty = tmp_path / "home"
    empty.mkdir()
    return empty


def _env(home: Path, **extra: str) -> dict[str, str]:
    """An empty HOME, as a new user has. There is no keychain on this machine, so the
    data key comes from a passphrase, in an owner-only file beside that HOME."""
    keep = {k: os.environ[k] for k in ("PATH", "LANG", "TMPDIR") if k in os.environ}
    passphrase = home.parent / "passphrase.txt"
    if not passphrase.exists():
        passphrase.write_text("a passphrase for the package test\n", "utf-8")
        passphrase.chmod(0o600)
    return {**keep, "HOME": str(home), "CONFIDENTE_PASSPHRASE_FILE": str(passphrase), **extra}


def _binary(root: Path) -> Path:
    return root / "opt" / "confidente" / "confidente"


def test_the_package_lays_out_the_app_for_the_desktop(root: Path) -> None:
    assert os.access(_binary(root), os.X_OK)
    launcher = root / "usr" / "bin" / "confidente"
    assert launcher.is_symlink()
    assert os.readlink(launcher) == "/opt/confidente/confidente"
    desktop = (root / "usr/share/applications" / f"{APP_ID}.desktop").read_text()
    assert desktop == (LINUX / f"{APP_ID}.desktop").read_text()
    assert "Exec=confidente %F" in desktop
    metainfo = root / "usr/share/metainfo" / f"{APP_ID}.metainfo.xml"
    assert metainfo.read_text() == (LINUX / f"{APP_ID}.metainfo.xml").read_text()
    assert (root / "usr/share/icons/hicolor/scalable/apps" / f"{APP_ID}.svg").is_file()
    for size in (16, 32, 48, 64, 128, 256, 512):
        assert (root / f"usr/share/icons/hicolor/{size}x{size}/apps" / f"{APP_ID}.png").is_file()
    internal = root / "opt" / "confidente" / "_internal"
    assert (internal / "app" / "resources" / "models" / "gemma-3-270m-q4_k_m.gguf").is_file()
    assert (internal / "app" / "resources" / "i18n" / "confidente_es.qm").is_file()
    assert not list(internal.rglob("libQt6WebEngine*")), "QtWebEngine is not used"
    assert not list(internal.rglob("libQt6Pdf*")), "PDF pages are drawn by PDFium, not QtPdf"
    assert not list(internal.rglob("libcuda*")), "the CPU bundle carries no CUDA"


def test_depends_names_the_libraries_the_xcb_plugin_loads() -> None:
    depends = subprocess.run(
        ["dpkg-deb", "-f", DEB, "Depends"], capture_output=True, text=True, check=True
    ).stdout
    for package in ("libxcb-cursor0", "libxcb-icccm4", "libxcb-keysyms1", "libxkbcommon-x11-0"):
        assert package in depends


def test_the_dependencies_resolve_on_this_machine(root: Path) -> None:
    """With the Depends installed (make package-test installs them), the xcb plugin and
    the bundle's own libraries find every system library they link to."""
    internal = root / "opt" / "confidente" / "_internal"
    plugin = next(internal.rglob("platforms/libqxcb.so"))
    result = subprocess.run(["ldd", str(plugin)], capture_output=True, text=True, check=True)
    assert "not found" not in result.stdout, result.stdout


def test_version(root: Path, home: Path) -> None:
    result = subprocess.run(
        [str(_binary(root)), "--version"],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("confidente ")


@pytest.mark.timeout(900)
@pytest.mark.skipif(not shutil.which("unshare"), reason="unshare is not installed")
def test_self_test_passes_offline_with_an_empty_home(root: Path, home: Path) -> None:
    result = subprocess.run(
        ["unshare", "-rn", str(_binary(root)), "--self-test"],
        env=_env(home, QT_QPA_PLATFORM="offscreen"),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert "passed" in result.stdout.lower(), result.stdout


def test_a_model_is_checked_in_its_child_process(root: Path, home: Path, tmp_path: Path) -> None:
    """Importing a model runs the model-check child (a trial load), spawned by the frozen app."""
    bundled = root / "opt/confidente/_internal/app/resources/models/gemma-3-270m-q4_k_m.gguf"
    model = tmp_path / "my-model.gguf"  # not the starter's path: it is checked like any model
    shutil.copyfile(bundled, model)
    result = subprocess.run(
        [str(_binary(root)), "models", "add", str(model), "--json"],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"
    assert "my-model" in result.stdout


@pytest.fixture
def display() -> Iterator[str]:
    if not shutil.which("Xvfb") or not shutil.which("xwininfo"):
        pytest.fail("Xvfb and xwininfo are needed: apt-get install xvfb x11-utils")
    with xvfb() as display:
        yield display


@pytest.mark.timeout(600)
def test_the_real_window_opens_a_file_it_is_given(root: Path, home: Path, display: str) -> None:
    """As "Open with Confidente" starts it: the window appears, and the file given on
    the command line is indexed into its library (the CLI then finds it there)."""
    sample = root / "opt/confidente/_internal/app/resources/sample/confidente-sample.pdf"
    app = subprocess.Popen(
        [str(_binary(root)), str(sample)],
        env=_env(home, DISPLAY=display, QT_QPA_PLATFORM="xcb"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        assert _wait_for(lambda: '"Confidente"' in _window_tree(display), app), (
            f"no window titled Confidente: {_window_tree(display)}"
        )
        assert _wait_for(lambda: "amber flashes" in _search(root, home), app), _search(root, home)
    finally:
        if app.poll() is None:
            os.killpg(app.pid, signal.SIGTERM)
        try:
            app.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(app.pid, signal.SIGKILL)
            app.wait()


def _wait_for(check: Callable[[], bool], app: subprocess.Popen[str]) -> bool:
    deadline = time.monotonic() + WINDOW_TIMEOUT_S
    while time.monotonic() < deadline:
        assert app.poll() is None, f"the app exited: {app.communicate()[1]}"
        if check():
            return True
        time.sleep(1)
    return False


def _window_tree(display: str) -> str:
    return subprocess.run(
        ["xwininfo", "-root", "-tree"], env={"DISPLAY": display}, capture_output=True, text=True
    ).stdout


def _search(root: Path, home: Path) -> str:
    result = subprocess.run(
        [str(_binary(root)), "search", "How many amber flashes did the keeper log?"],
        env=_env(home),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return result.stdout + result.stderr
