"""The installers' files agree with each other and with the app, and the validators pass.

Covers packaging/ (Linux .desktop and AppStream metainfo, Windows Inno Setup script, macOS
Info.plist and entitlements) and the icons in app/resources/icons. The external validators
(desktop-file-validate, appstreamcli) are used when installed and skipped otherwise; each is
also run on a broken copy, to show that a failure would be seen.
"""

from __future__ import annotations

import configparser
import plistlib
import re
import shutil
import struct
import subprocess
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from app.core.documents.formats import kind_of
from app.core.paths import APP_NAME
from app.gui.identity import APP_NAME as QT_APPLICATION_NAME
from app.gui.identity import DESKTOP_FILE

ROOT = Path(__file__).resolve().parents[1]
APP_ID = "io.github.confidente.Confidente"
LINUX = ROOT / "packaging" / "linux"
DESKTOP = LINUX / f"{APP_ID}.desktop"
METAINFO = LINUX / f"{APP_ID}.metainfo.xml"
ISS = ROOT / "packaging" / "windows" / "confidente.iss"
INFO_PLIST = ROOT / "packaging" / "macos" / "Info.plist"
ENTITLEMENTS = ROOT / "packaging" / "macos" / "entitlements.plist"
ICONS = ROOT / "app" / "resources" / "icons"
SVG = ICONS / "confidente.svg"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"

# The files every installer offers to open ("Open with"), and their MIME types.
EXTENSIONS = ("pdf", "docx", "txt", "md")
MIME_TYPES = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "txt",
    "text/markdown": "md",
    "text/html": "html",
}
# Uniform type identifiers (macOS) of those files.
UTI_EXTENSIONS = {
    "com.adobe.pdf": "pdf",
    "org.openxmlformats.wordprocessingml.document": "docx",
    "public.plain-text": "txt",
    "net.daringfireball.markdown": "md",
}
SVG_NS = "{http://www.w3.org/2000/svg}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _pyproject() -> dict[str, Any]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)


def _version() -> str:
    version = _pyproject()["project"]["version"]
    assert isinstance(version, str)
    return version


# --- Linux: the desktop entry --------------------------------------------------------------


def _desktop_entry(text: str) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(text)
    return dict(parser["Desktop Entry"])


def _desktop_file_problems(path: Path) -> list[str]:
    """desktop-file-validate's errors and warnings (its hints are advice, not problems)."""
    tool = shutil.which("desktop-file-validate")
    assert tool is not None
    run = subprocess.run([tool, str(path)], capture_output=True, text=True, timeout=60)
    lines = (run.stdout + run.stderr).splitlines()
    problems = [line for line in lines if "error:" in line or "warning:" in line]
    if run.returncode != 0 and not problems:
        problems.append(f"desktop-file-validate exited {run.returncode}: {lines}")
    return problems


needs_desktop_file_validate = pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None,
    reason="desktop-file-validate is not installed (Debian: apt install desktop-file-utils)",
)


@needs_desktop_file_validate
def test_desktop_file_validates() -> None:
    assert _desktop_file_problems(DESKTOP) == []


@needs_desktop_file_validate
def test_desktop_file_validate_reports_a_broken_entry(tmp_path: Path) -> None:
    broken = tmp_path / DESKTOP.name
    text = DESKTOP.read_text(encoding="utf-8")
    broken.write_text(text.replace("Categories=", "Categories=NotACategory;"), encoding="utf-8")
    assert _desktop_file_problems(broken) != []


def test_desktop_entry_names_the_installed_command_icon_and_types() -> None:
    entry = _desktop_entry(DESKTOP.read_text(encoding="utf-8"))
    assert entry["Type"] == "Application"
    assert entry["Icon"] == APP_ID
    assert entry["Exec"] == "confidente %F"
    assert "confidente" in _pyproject()["project"]["scripts"]  # the command the package installs
    assert set(entry["MimeType"].rstrip(";").split(";")) == set(MIME_TYPES)
    assert entry["Terminal"] == "false"
    for key in ("Name", "GenericName", "Comment", "Keywords"):
        assert entry.get(f"{key}[es]"), f"{key}[es] is missing"


def test_desktop_entry_opens_only_files_the_app_reads() -> None:
    entry = _desktop_entry(DESKTOP.read_text(encoding="utf-8"))
    for mime in entry["MimeType"].rstrip(";").split(";"):
        extension = MIME_TYPES[mime]
        assert kind_of(Path(f"file.{extension}")) is not None, f"the app does not read .{extension}"


def test_startup_wm_class_is_the_qt_application_name() -> None:
    # Qt on X11 sets WM_CLASS to ("<program name>", "<application name>"); the window is
    # matched to the launcher by the second.
    entry = _desktop_entry(DESKTOP.read_text(encoding="utf-8"))
    assert entry["StartupWMClass"] == QT_APPLICATION_NAME
    assert DESKTOP.name == f"{DESKTOP_FILE}.desktop"  # what the app names as its launcher


def test_icons_for_the_desktop_entry_exist() -> None:
    # The .deb installs these as hicolor/<size>x<size>/apps/<Icon>.png and scalable/<Icon>.svg.
    assert SVG.is_file()
    for size in PNG_SIZES:
        assert (ICONS / f"confidente-{size}.png").is_file()


# --- Linux: AppStream metainfo --------------------------------------------------------------


def _appstream_problems(path: Path) -> list[str]:
    """appstreamcli's errors and warnings (infos and pedantic notes are not problems)."""
    tool = shutil.which("appstreamcli")
    assert tool is not None
    run = subprocess.run(
        [tool, "validate", "--no-net", "--pedantic", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    lines = (run.stdout + run.stderr).splitlines()
    problems = [line for line in lines if line.startswith(("E:", "W:"))]
    if run.returncode != 0 and not problems:
        problems.append(f"appstreamcli exited {run.returncode}: {lines}")
    return problems


needs_appstreamcli = pytest.mark.skipif(
    shutil.which("appstreamcli") is None,
    reason="appstreamcli is not installed (Debian: apt install appstream)",
)


@needs_appstreamcli
def test_metainfo_validates() -> None:
    assert _appstream_problems(METAINFO) == []


@needs_appstreamcli
def test_appstreamcli_reports_a_broken_metainfo(tmp_path: Path) -> None:
    broken = tmp_path / METAINFO.name
    text = METAINFO.read_text(encoding="utf-8")
    broken.write_text(re.sub(r"<summary>.*?</summary>", "", text), encoding="utf-8")
    assert _appstream_problems(broken) != []


def test_metainfo_matches_the_desktop_entry_and_the_package() -> None:
    component = ET.parse(METAINFO).getroot()
    entry = _desktop_entry(DESKTOP.read_text(encoding="utf-8"))
    assert component.get("type") == "desktop-application"
    assert component.findtext("id") == DESKTOP.stem == METAINFO.name.removesuffix(".metainfo.xml")
    assert component.findtext("launchable") == DESKTOP.name
    assert component.findtext("provides/binary") == entry["Exec"].split()[0]
    mediatypes = {node.text for node in component.iterfind("provides/mediatype")}
    assert mediatypes == set(entry["MimeType"].rstrip(";").split(";"))
    categories = {node.text for node in component.iterfind("categories/category")}
    assert categories == set(entry["Categories"].rstrip(";").split(";"))
    releases = component.findall("releases/release")
    assert releases, "no release"
    assert releases[0].get("version") == _version()  # the newest release comes first
    assert component.find(f"summary[@{XML_LANG}='es']") is not None
    assert component.find(f"description/p[@{XML_LANG}='es']") is not None


# --- Icons ----------------------------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (which must come first)."""
    if data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        raise ValueError("not a PNG")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("size", PNG_SIZES)
def test_png_icon_has_its_size(size: int) -> None:
    assert _png_size((ICONS / f"confidente-{size}.png").read_bytes()) == (size, size)


def test_png_reader_rejects_what_is_not_a_png() -> None:
    with pytest.raises(ValueError, match="not a PNG"):
        _png_size(SVG.read_bytes())


def test_ico_holds_png_entries_of_the_sizes_it_declares() -> None:
    data = (ICONS / "confidente.ico").read_bytes()
    reserved, kind, count = struct.unpack_from("<HHH", data)
    assert (reserved, kind) == (0, 1)
    sizes = set()
    for index in range(count):
        width, height, _, _, _, bits, length, offset = struct.unpack_from(
            "<BBBBHHII", data, 6 + 16 * index
        )
        side = width or 256
        assert (width, height, bits) == (side % 256, side % 256, 32)
        assert _png_size(data[offset : offset + length]) == (side, side)
        sizes.add(side)
    assert {16, 32, 48, 256} <= sizes


def test_icns_holds_png_entries_of_the_right_sizes() -> None:
    data = (ICONS / "confidente.icns").read_bytes()
    assert data[:4] == b"icns"
    assert struct.unpack_from(">I", data, 4)[0] == len(data)
    expected = {b"ic07": 128, b"ic08": 256, b"ic09": 512, b"ic10": 1024}
    found: dict[bytes, int] = {}
    offset = 8
    while offset < len(data):
        kind = data[offset : offset + 4]
        (length,) = struct.unpack_from(">I", data, offset + 4)
        assert length > 8
        width, height = _png_size(data[offset + 8 : offset + length])
        assert width == height
        found[kind] = width
        offset += length
    assert offset == len(data)
    assert {kind: found.get(kind) for kind in expected} == expected


def _svg_problems(text: str) -> list[str]:
    """Anything in an SVG that could run, fetch or depend on the outside."""
    root = ET.fromstring(text)
    problems = []
    if root.tag != f"{SVG_NS}svg":
        problems.append(f"root element is {root.tag}")
    if root.get("viewBox") != "0 0 256 256":
        problems.append(f"viewBox is {root.get('viewBox')!r}")
    for element in root.iter():
        name = element.tag.removeprefix(SVG_NS)
        if name in {"script", "foreignObject", "text", "image", "use", "style"}:
            problems.append(f"<{name}> element")
        for attribute, value in element.attrib.items():
            local = attribute.rsplit("}", 1)[-1]
            if local.lower().startswith("on"):
                problems.append(f"{local} handler on <{name}>")
            if local == "href" and not value.startswith("#"):
                problems.append(f"external href {value!r}")
            if "url(" in value and not re.fullmatch(r"url\(#[\w-]+\)", value.strip()):
                problems.append(f"external url() in {local}")
    return problems


def test_svg_is_self_contained_and_square() -> None:
    assert _svg_problems(SVG.read_text(encoding="utf-8")) == []


def test_svg_check_finds_scripts_and_external_references() -> None:
    bad = (
        '<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'viewBox="0 0 256 256"><script>alert(1)</script>'
        '<a xlink:href="https://example.com/"><rect onclick="x()" width="1" height="1"/></a>'
        '<rect fill="url(https://example.com/p.svg#g)" width="1" height="1"/></svg>'
    )
    problems = _svg_problems(bad)
    assert len(problems) == 4, problems


# --- macOS ----------------------------------------------------------------------------------


def _document_extensions(info: dict[str, Any]) -> set[str]:
    extensions: set[str] = set()
    for document in info.get("CFBundleDocumentTypes", []):
        assert document.get("LSHandlerRank") == "Alternate", document  # never the default app
        extensions.update(document.get("CFBundleTypeExtensions", []))
        for uti in document.get("LSItemContentTypes", []):
            if uti in UTI_EXTENSIONS:
                extensions.add(UTI_EXTENSIONS[uti])
    return extensions


def test_info_plist_identifies_the_app_and_opens_the_documents() -> None:
    with INFO_PLIST.open("rb") as file:
        info = plistlib.load(file)
    assert info["CFBundleIdentifier"] == APP_ID
    assert info["CFBundleShortVersionString"] == _version()
    assert info["LSMinimumSystemVersion"] == "12.0"
    assert info["NSHighResolutionCapable"] is True
    assert info["LSApplicationCategoryType"] == "public.app-category.productivity"
    assert (ICONS / info["CFBundleIconFile"]).is_file()
    assert _document_extensions(info) >= set(EXTENSIONS)
    imported = {entry["UTTypeIdentifier"] for entry in info.get("UTImportedTypeDeclarations", [])}
    assert "net.daringfireball.markdown" in imported


def test_document_types_check_misses_a_type_that_is_gone() -> None:
    with INFO_PLIST.open("rb") as file:
        info = plistlib.load(file)
    info["CFBundleDocumentTypes"] = [
        document
        for document in info["CFBundleDocumentTypes"]
        if "com.adobe.pdf" not in document.get("LSItemContentTypes", [])
    ]
    assert "pdf" not in _document_extensions(info)


def test_entitlements_are_hardened_runtime_only() -> None:
    with ENTITLEMENTS.open("rb") as file:
        entitlements = plistlib.load(file)
    assert entitlements, "no entitlements"
    for key, value in entitlements.items():
        assert key.startswith("com.apple.security.cs."), f"{key} is a sandbox entitlement"
        assert value is True


# --- Windows --------------------------------------------------------------------------------


def test_inno_setup_script_offers_open_with_for_every_type() -> None:
    script = ISS.read_text(encoding="utf-8-sig")
    for extension in EXTENSIONS:
        assert f'"Software\\Classes\\.{extension}\\OpenWithProgids"' in script, extension
        assert f'ValueName: ".{extension}"' in script, extension  # SupportedTypes
    assert not re.search(r'Classes\\\.\w+"; ValueType: string; ValueName: ""', script), (
        "sets an extension's default handler"
    )


def test_inno_setup_script_asks_before_deleting_the_user_data() -> None:
    script = ISS.read_text(encoding="utf-8-sig")
    code = script.split("[Code]", 1)[1]
    assert "procedure CurUninstallStepChanged" in code
    assert "MB_DEFBUTTON2" in code  # No is the default answer
    assert "DelTree(" in code
    # The folder platformdirs gives app/core/paths.py on Windows (appauthor=False).
    assert f"{{localappdata}}\\{APP_NAME}" in code
    for language in ("english", "spanish"):
        assert re.search(rf"^{language}\.DeleteUserData=.+\?", script, re.MULTILINE), language
    assert re.search(r'^Name: "spanish"; MessagesFile: ', script, re.MULTILINE)


def test_inno_setup_script_defaults_to_the_package_version() -> None:
    script = ISS.read_text(encoding="utf-8-sig")
    assert f'#define AppVersion "{_version()}"' in script
    assert "AppVersion={#AppVersion}" in script
