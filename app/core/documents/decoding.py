"""Text of unknown encoding, decoded as its writer meant it.

A byte-order mark first, then UTF-16/32 recognised by its zero bytes, strict
UTF-8, an encoding the file declares, Western European text recognised by its
isolated accented letters, charset-normalizer's guess, and Windows-1252 last.
Binary data is refused. charset-normalizer is imported where it is used.
"""

from __future__ import annotations

import codecs

from app.core.documents.limits import MiB, UnreadableDocument

# Text is judged binary when more than this share of its characters are control characters.
_MAX_CONTROL_SHARE = 0.1
_SAMPLE_SIZE = 65_536  # characters (or bytes) looked at to tell text from binary
_GUESS_SAMPLE_BYTES = 1 * MiB  # charset-normalizer samples anyway; bound its input too


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: its BOM starts the same way
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode bytes of unknown encoding, newlines normalised to "\\n".

    Order: a byte-order mark; UTF-16/32 recognised by its zero bytes; strict
    UTF-8 (valid UTF-8 is almost never an accident); an encoding the file
    declares (HTML); charset-normalizer's guess; Windows-1252.
    """
    if not data:
        raise UnreadableDocument("Empty file.")
    text = _decode(data, declared)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if _mostly_control(text):
        raise UnreadableDocument("Binary file, not text.")
    return text


def _decode(data: bytes, declared: str | None) -> str:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")  # a cut-off last character is no reason
    if b"\x00" in data:
        wide = _wide_codec(data[:_SAMPLE_SIZE])
        if wide is None:
            raise UnreadableDocument("Binary file, not text.")
        try:
            return data.decode(wide)
        except UnicodeDecodeError as error:
            raise UnreadableDocument("Binary file, not text.") from error
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared:
        try:
            return data.decode(declared)
        except (LookupError, UnicodeDecodeError):
            pass
    return _guess(data)


def _wide_codec(sample: bytes) -> str | None:
    """UTF-16/32 without a BOM: text whose zero bytes fall in the same byte columns."""

    def zeros(column: int, width: int) -> float:
        part = sample[column::width]
        return part.count(0) / len(part) if part else 0.0

    if zeros(3, 4) > 0.9 and zeros(2, 4) > 0.9 and zeros(0, 4) < 0.5:
        return "utf-32-le"
    if zeros(0, 4) > 0.9 and zeros(1, 4) > 0.9 and zeros(3, 4) < 0.5:
        return "utf-32-be"
    if zeros(1, 2) > 0.5 and zeros(0, 2) < 0.1:
        return "utf-16-le"
    if zeros(0, 2) > 0.5 and zeros(1, 2) < 0.1:
        return "utf-16-be"
    return None


def _guess(data: bytes) -> str:
    if _looks_western(data[:_GUESS_SAMPLE_BYTES]):
        return _decode_western(data)
    from charset_normalizer import from_bytes

    matches = from_bytes(data[:_GUESS_SAMPLE_BYTES])
    best = matches.best()
    if best is None:
        fallback = _decode_western(data)
        if _mostly_control(fallback):
            raise UnreadableDocument("Binary file, not text.")
        return fallback
    # Short Western texts are where the detector goes wrong (Spanish Latin-1 comes
    # out as cp1250, French as cp775). Confidente's users write English and
    # Spanish, so Windows-1252 wins whenever the detector finds it plausible.
    plausible = {match.encoding for match in matches} | set(best.could_be_from_charset)
    if plausible & {"cp1252", "latin_1", "iso8859_15"}:
        return _decode_western(data)
    try:
        return data.decode(best.encoding)
    except (LookupError, UnicodeDecodeError):
        return _decode_western(data)


_WESTERN_SYMBOLS = frozenset("¿¡«»ºª°€–—‘’‚“”„…·•§©®±×÷µ¶¢£¥¼½¾¹²³†‡‰™¨´¸¯¬¦")
_MAX_ADJACENT_HIGH = 0.5


def _looks_western(data: bytes) -> bool:
    """Whether non-UTF-8 bytes read as Windows-1252 give Western European text.

    Spanish, Catalan, French or German in Latin-1/Windows-1252 has a few bytes
    above 0x7F, each an accented letter or a sign between ASCII letters
    ("ñandúvalor"). A CJK, Cyrillic or Greek encoding puts its high bytes in
    runs (two per ideogram, a whole word of Cyrillic). Deciding this before
    charset-normalizer matters for short files, where its statistics have
    too little to go on and a Latin-1 sentence can come out as Chinese.
    """
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    high = [i for i, char in enumerate(text) if char >= "\x80"]
    if not high:
        return True
    if any(not (text[i].isalpha() or text[i] in _WESTERN_SYMBOLS) for i in high):
        return False
    positions = set(high)
    adjacent = sum(1 for i in high if i - 1 in positions or i + 1 in positions)
    return adjacent <= _MAX_ADJACENT_HIGH * len(high)


def _decode_western(data: bytes) -> str:
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # five bytes cp1252 leaves undefined; never fails


def _mostly_control(text: str) -> bool:
    sample = text[:_SAMPLE_SIZE]
    if not sample:
        return False
    control = sum(
        1 for char in sample if (char < " " and char not in "\t\n\f\v") or "\x7f" <= char <= "\x9f"
    )
    return control > _MAX_CONTROL_SHARE * len(sample)
