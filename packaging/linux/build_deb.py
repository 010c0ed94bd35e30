"""Build confidente_<version>_<arch>.deb from the frozen folder (dist/confidente).

Run by `make package` after PyInstaller. The package installs the folder to
/opt/confidente, `confidente` on the PATH, the launcher, icons and AppStream
metainfo. Its `Depends:` is worked out, not typed: every system library the
bundle's programs and libraries load (by `ldd`) is traced to the Debian package
that owns it (`dpkg -S`), plus the X/xcb libraries Qt's xcb plugin needs
(app/gui/xcb_check.py), so the window opens on a fresh desktop.

    python packaging/linux/build_deb.py --dist dist/confidente --out dist/
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from app import __version__  # noqa: E402
from app.gui.xcb_check import XCB_LIBRARIES  # noqa: E402

APP_ID = "io.github.confidente.Confidente"
PREFIX = "opt/confidente"
ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
LINUX = Path(__file__).resolve().parent
ICONS = ROOT / "app" / "resources" / "icons"
DESCRIPTION = """\
private desktop assistant: chat with your documents, offline
 Confidente chats with a language model that runs on your own computer and
 answers questions about your own documents (PDF, Word, text), with the pages
 it used. Nothing leaves the machine: no account, no cloud, no telemetry.
 .
 The package includes the starter chat model (Gemma 3 270M) and the starter
 embedding model (all-MiniLM-L6-v2), so it works offline from its first start."""
# Measured on this package (1.7 GB unpacked, 2 cores): zstd -15 659 MiB in 2 min,
# xz -6 602 MiB in 7 min. dpkg reads zstd since Debian 12 and Ubuntu 21.10.
COMPRESSION = {"zstd": ("zstd", 15), "xz": ("xz", 6)}
# Packages whose name changed between Debian releases (bookworm | trixie's t64 rebuilds).
_RENAMED = {
    "libglib2.0-0": "libglib2.0-0t64 | libglib2.0-0",
    "libgtk-3-0": "libgtk-3-0t64 | libgtk-3-0",
}
# What Qt's optional plugins load, when this machine lacks it (Wayland, the GTK theme).
OPTIONAL_LIBRARIES = {
    "libwayland-client.so.0": "libwayland-client0",
    "libwayland-cursor.so.0": "libwayland-cursor0",
    "libwayland-egl.so.1": "libwayland-egl1",
    "libgtk-3.so.0": "libgtk-3-0",
    "libgdk-3.so.0": "libgtk-3-0",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=ROOT / "dist" / "confidente")
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    parser.add_argument("--work", type=Path, default=ROOT / "build" / "deb")
    parser.add_argument(
        "--compression",
        choices=sorted(COMPRESSION),
        default="zstd",
        help="zstd (default: about 2 minutes on 2 cores) or xz (smaller by a tenth, 3x slower)",
    )
    args = parser.parse_args(argv)
    if not (args.dist / "confidente").is_file():
        print(f"build_deb: no frozen app in {args.dist}; run PyInstaller first", file=sys.stderr)
        return 1
    started = time.monotonic()
    deb = build(args.dist, args.out, args.work, args.compression)
    size = deb.stat().st_size / 2**20
    print(f"build_deb: {deb} ({size:.0f} MiB) in {time.monotonic() - started:.0f} s")
    return 0


def build(dist: Path, out: Path, work: Path, compression: str = "zstd") -> Path:
    arch = _run("dpkg", "--print-architecture").strip()
    stage = work / f"confidente_{__version__}_{arch}"
    shutil.rmtree(stage, ignore_errors=True)
    _lay_out(dist, stage)
    depends, recommends = package_depends(stage / PREFIX)
    _write_control(stage, arch, depends, recommends)
    out.mkdir(parents=True, exist_ok=True)
    deb = out / f"confidente_{__version__}_{arch}.deb"
    kind, level = COMPRESSION[compression]
    _run("dpkg-deb", "--root-owner-group", f"-Z{kind}", f"-z{level}", "-b", str(stage), str(deb))
    return deb


def _lay_out(dist: Path, stage: Path) -> None:
    app = stage / PREFIX
    app.parent.mkdir(parents=True)
    shutil.copytree(dist, app, symlinks=True, copy_function=_link_or_copy)
    bin_dir = stage / "usr" / "bin"
    bin_dir.mkdir(parents=True)
    (bin_dir / "confidente").symlink_to(f"/{PREFIX}/confidente")
    share = stage / "usr" / "share"
    _install(LINUX / f"{APP_ID}.desktop", share / "applications" / f"{APP_ID}.desktop")
    _install(LINUX / f"{APP_ID}.metainfo.xml", share / "metainfo" / f"{APP_ID}.metainfo.xml")
    hicolor = share / "icons" / "hicolor"
    _install(ICONS / "confidente.svg", hicolor / "scalable" / "apps" / f"{APP_ID}.svg")
    for size in ICON_SIZES:
        png = ICONS / f"confidente-{size}.png"
        _install(png, hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png")
    copyright_text = (
        "Confidente\n"
        "Bundled third-party components keep their own licences; see the files\n"
        f"under /{PREFIX}/_internal/*.dist-info/ and the models' README files.\n"
    )
    doc = share / "doc" / "confidente"
    doc.mkdir(parents=True)
    (doc / "copyright").write_text(copyright_text, encoding="utf-8")
    for path in [stage, *stage.rglob("*")]:  # dpkg wants 0755 folders, no group/other writes
        if path.is_symlink():
            continue
        mode = path.stat().st_mode
        path.chmod((mode | 0o755) if path.is_dir() else (mode & 0o755) | 0o644)


def _link_or_copy(source: str, target: str) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _install(source: Path, target: Path) -> None:
    if not source.is_file():
        raise SystemExit(f"build_deb: missing {source.relative_to(ROOT)}")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(source, target)


def package_depends(app: Path) -> tuple[list[str], list[str]]:
    """(Depends, Recommends): the Debian packages owning the system libraries the bundle
    loads. Qt's plugins are optional (a plugin whose libraries are missing is skipped by
    Qt), so theirs are recommended, except the xcb platform plugin's: the window needs it."""
    required: dict[str, str | None] = {}  # soname -> resolved system path (None: missing)
    optional: dict[str, str | None] = {}
    bundled = {path.name for path in app.rglob("*.so*")}
    for elf in _elves(app):
        wanted = optional if _is_optional_plugin(elf) else required
        for soname, path in _ldd(elf):
            if soname in bundled or (path and str(app) in path):
                continue
            wanted.setdefault(soname, path)
    depends = set(XCB_LIBRARIES.values())
    unknown = [n for n, p in required.items() if p is None and n not in XCB_LIBRARIES]
    if unknown:
        raise SystemExit(f"build_deb: the bundle needs libraries this machine lacks: {unknown}")
    depends |= {_owner(path) for path in {p for p in required.values() if p}}
    recommends = {_owner(path) for path in {p for p in optional.values() if p}}
    for soname, path in optional.items():
        if path is None and soname not in required:
            package = OPTIONAL_LIBRARIES.get(soname)
            if package is None:
                print(f"build_deb: no package known for {soname} (an optional Qt plugin's)")
            else:
                recommends.add(package)
    recommends -= depends
    return _names(depends), _names(recommends)


def _names(packages: set[str]) -> list[str]:
    return sorted(_RENAMED.get(name, name) for name in packages)


def _is_optional_plugin(elf: Path) -> bool:
    """Qt's plugins (but the xcb platform's) and the Wayland libraries only they load."""
    parts = elf.parts
    if elf.name.startswith(("libQt6Wayland", "libQt6Wl")):
        return True
    if "plugins" not in parts:
        return False
    return not (elf.name == "libqxcb.so" or "xcbglintegrations" in parts)


def _elves(folder: Path) -> list[Path]:
    found = []
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as file:
                if file.read(4) == b"\x7fELF":
                    found.append(path)
    return found


_LDD_LINE = re.compile(r"^\s*(\S+)\s+=>\s+(not found|\S+)")


def _ldd(elf: Path) -> list[tuple[str, str | None]]:
    result = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, check=False)
    libraries = []
    for line in result.stdout.splitlines():
        match = _LDD_LINE.match(line)
        if match:
            soname, where = match.groups()
            libraries.append((soname, None if where == "not found" else where))
    return libraries


def _owner(path: str) -> str:
    """The package that installed `path` (merged /usr: /lib and /usr/lib are the same file)."""
    candidates = [path, os.path.realpath(path)]
    for candidate in list(candidates):
        if candidate.startswith("/usr/lib/"):
            candidates.append(candidate[len("/usr") :])
        elif candidate.startswith("/lib/"):
            candidates.append("/usr" + candidate)
    for candidate in dict.fromkeys(candidates):
        result = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True)
        if result.returncode == 0:
            return result.stdout.split(":", 1)[0].strip()
    raise SystemExit(f"build_deb: no Debian package owns {path}")


def _write_control(stage: Path, arch: str, depends: list[str], recommends: list[str]) -> None:
    installed_kib = sum(p.stat().st_size for p in stage.rglob("*") if p.is_file()) // 1024
    control = (
        "Package: confidente\n"
        f"Version: {__version__}\n"
        f"Architecture: {arch}\n"
        "Maintainer: Confidente developers <confidente@example.org>\n"
        f"Installed-Size: {installed_kib}\n"
        f"Depends: {', '.join(depends)}\n"
        f"Recommends: {', '.join(recommends)}\n"
        "Section: utils\n"
        "Priority: optional\n"
        "Homepage: https://github.com/confidente/confidente\n"
        f"Description: {DESCRIPTION}\n"
    )
    debian = stage / "DEBIAN"
    debian.mkdir(mode=0o755)
    (debian / "control").write_text(control, encoding="utf-8")


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


if __name__ == "__main__":
    raise SystemExit(main())
