"""Render app/resources/icons/confidente.svg to the PNG, ICO and ICNS icons the installers use.

Run after changing the SVG; the outputs are committed:

    QT_QPA_PLATFORM=offscreen .venv/bin/python -m scripts.make_icons

Writes, next to the SVG:
  confidente-{16,32,48,64,128,256,512}.png  Linux hicolor sizes and the window icon
  confidente.ico   Windows: 16-256 px, each entry a PNG (read by Windows Vista and later)
  confidente.icns  macOS: ic11-ic14 and ic07-ic10 (16@2x up to 512@2x), each a PNG

Qt draws the SVG (QtSvg); the ICO and ICNS containers are written here, because Qt's
own ico and icns writers store one image per file.
"""

from __future__ import annotations

import os
import struct
import sys
from collections.abc import Iterable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QImageWriter, QPainter
from PySide6.QtSvg import QSvgRenderer

ICONS = Path(__file__).resolve().parents[1] / "app" / "resources" / "icons"
SVG = ICONS / "confidente.svg"
PNG_SIZES = (16, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# ICNS element types holding PNG data, and the pixel size of each.
ICNS_TYPES = (
    (b"ic11", 32),  # 16x16@2x
    (b"ic12", 64),  # 32x32@2x
    (b"ic07", 128),  # 128x128
    (b"ic13", 256),  # 128x128@2x
    (b"ic08", 256),  # 256x256
    (b"ic14", 512),  # 256x256@2x
    (b"ic09", 512),  # 512x512
    (b"ic10", 1024),  # 512x512@2x
)


def render(renderer: QSvgRenderer, size: int) -> QImage:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    renderer.render(painter)
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def png_bytes(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    writer = QImageWriter(buffer, QByteArray(b"png"))
    if not writer.write(image):
        raise RuntimeError(f"Qt could not encode a PNG: {writer.errorString()}")
    buffer.close()
    return bytes(data.data())


def ico_container(entries: Iterable[tuple[int, bytes]]) -> bytes:
    """An ICO file: ICONDIR, one ICONDIRENTRY per image, then the PNG data of each."""
    images = list(entries)
    header = struct.pack("<HHH", 0, 1, len(images))  # reserved, type 1 = icon, count
    offset = len(header) + 16 * len(images)
    directory = b""
    for size, png in images:
        side = 0 if size >= 256 else size  # 0 means 256
        # width, height, palette colours, reserved, colour planes, bits per pixel, bytes, offset
        directory += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(png), offset)
        offset += len(png)
    return header + directory + b"".join(png for _, png in images)


def icns_container(entries: Iterable[tuple[bytes, bytes]]) -> bytes:
    """An ICNS file: 'icns' and the total length, then type, length and data of each element."""
    body = b"".join(kind + struct.pack(">I", 8 + len(data)) + data for kind, data in entries)
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


def main() -> int:
    app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        print(f"make_icons: Qt cannot read {SVG}", file=sys.stderr)
        return 1
    sizes = sorted({*PNG_SIZES, *ICO_SIZES, *(size for _, size in ICNS_TYPES)})
    pngs = {size: png_bytes(render(renderer, size)) for size in sizes}
    for size in PNG_SIZES:
        (ICONS / f"confidente-{size}.png").write_bytes(pngs[size])
    (ICONS / "confidente.ico").write_bytes(ico_container((s, pngs[s]) for s in ICO_SIZES))
    (ICONS / "confidente.icns").write_bytes(
        icns_container((kind, pngs[size]) for kind, size in ICNS_TYPES)
    )
    del app
    print(f"make_icons: wrote {len(PNG_SIZES)} PNGs, confidente.ico and confidente.icns in {ICONS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
