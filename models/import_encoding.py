"""A lead file's text encoding: found from its bytes (a byte-order mark, UTF-8, UTF-16, else a
detector's guess, Latin scripts read as Windows-1252) or named by the user, and the error that
names the line where bytes do not fit it."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

import charset_normalizer

from .errors import CallqError

SAMPLE_BYTES = 1 << 16  # the head read to decide
# Single-byte encodings for Latin scripts: too alike for a detector to tell apart on a few
# accented names, so a file in one of them is read as Windows-1252, what Excel writes in the West.
_LATIN = {
    "ascii",
    "cp1250",
    "cp1252",
    "cp1254",
    "cp1257",
    "cp437",
    "cp850",
    "latin_1",
    "mac_latin2",
    "mac_roman",
    *(f"iso8859_{n}" for n in (1, 2, 3, 4, 9, 10, 13, 14, 15, 16)),
}


@dataclass(frozen=True)
class Encoding:
    """How a file's bytes become text: the codec, and whether it starts with a byte-order mark."""

    codec: str
    bom: bool = False

    @property
    def label(self) -> str:
        names = {
            "utf-8": "UTF-8",
            "utf-8-sig": "UTF-8",
            "utf-16": "UTF-16",
            "cp1252": "Windows-1252",
        }
        return names.get(self.codec, self.codec) + (" with BOM" if self.bom else "")


def detect_encoding(path: Path) -> Encoding:
    """The file's encoding: a byte-order mark if there is one, else UTF-8 if every byte fits,
    else UTF-16 if it holds NUL bytes, else the detector's guess (Latin scripts: Windows-1252)."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return Encoding("utf-8-sig", bom=True)
    if head.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        return Encoding("utf-32", bom=True)
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return Encoding("utf-16", bom=True)
    if b"\x00" in head:
        # UTF-16 without a mark: ASCII letters leave the NUL in the high byte.
        even = head[0::2].count(0)
        odd = head[1::2].count(0)
        return Encoding("utf-16-be" if even > odd else "utf-16-le")
    bad_at = _first_non_utf8(path)
    if bad_at is None:
        return Encoding("utf-8")
    with path.open("rb") as handle:
        handle.seek(max(0, bad_at - SAMPLE_BYTES // 2))
        sample = head[: SAMPLE_BYTES // 2] + b"\n" + handle.read(SAMPLE_BYTES)
    best = charset_normalizer.from_bytes(sample).best()
    if best is None:
        raise CallqError(
            f"{path}: cannot tell the file's text encoding; give it with --encoding (e.g. cp1252)"
        )
    codec = codecs.lookup(best.encoding).name.replace("-", "_")
    if codec in _LATIN or codec.replace("_", "") in {"latin1", "iso88591"}:
        try:
            sample.decode("cp1252")
        except UnicodeDecodeError:
            return Encoding(best.encoding)
        return Encoding("cp1252")
    return Encoding(best.encoding)


def _first_non_utf8(path: Path) -> int | None:
    """Offset of the first byte that is not UTF-8, or ``None``; reads the file once, in blocks."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return offset + exc.start
            offset += len(block)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return offset
    return None


def check_encoding_name(name: str) -> Encoding:
    """An encoding the user named (``--encoding``), checked."""
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        raise CallqError(
            f"--encoding: unknown encoding {name!r} (try utf-8, utf-16, cp1252)"
        ) from None
    return Encoding("utf-8-sig" if codec == "utf-8" else codec)


def open_text(path: Path, encoding: Encoding):
    """The file as text, lines untranslated (the CSV reader needs ``newline=''``)."""
    return path.open("r", encoding=_reading_codec(encoding), newline="", errors="strict")


def _reading_codec(encoding: Encoding) -> str:
    return "utf-8-sig" if encoding.codec == "utf-8" else encoding.codec


def not_encoded(path: Path, encoding: Encoding, exc: UnicodeDecodeError, line: int) -> CallqError:
    """The error for bytes that are not ``encoding``, on the line they are on: the text reader
    decodes a block ahead of the CSV reader, whose line (``line``) is only where it had got to."""
    decoder = codecs.getincrementaldecoder(_reading_codec(encoding))()
    newlines = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            try:
                newlines += decoder.decode(block).count("\n")
            except UnicodeDecodeError as found:
                before = found.object[: found.start].decode(found.encoding, errors="replace")
                line = newlines + before.count("\n") + 1
                break
    return CallqError(
        f"{path}: line {line}: bytes that are not {encoding.label} ({exc.reason}); "
        "give the file's encoding with --encoding"
    )
