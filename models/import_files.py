"""Reading lead files as they come from real tools: text or not, CSV or vCard, which delimiter,
and a stream of records that each know their line and (when asked) their text as written (the
encoding is :mod:`models.import_encoding`'s).

Nothing here holds a whole file: records are read one at a time.
"""

from __future__ import annotations

import codecs
import csv
import io
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import filetype
import vobject

from .errors import CallqError
from .import_encoding import SAMPLE_BYTES, Encoding, not_encoded, open_text

DELIMITERS = (",", ";", "\t", "|")
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
csv.field_size_limit(1 << 24)  # a notes cell may be long; the default 128 KiB is not enough


# Workbooks a sheet may arrive in instead of its CSV export (filetype's names).
_WORKBOOKS = {"xlsx", "xls", "ods"}


def refuse_binary(path: Path) -> None:
    """Refuse a file that is not text, saying what it is: a workbook, an archive, a PDF. Only a
    head holding NUL bytes (which text other than UTF-16 never does) or PDF's mark is looked at:
    some signatures are plain letters ("BM", "MZ", "ID3") that a CSV file may well start with."""
    with path.open("rb") as handle:
        head = handle.read(SAMPLE_BYTES)
    if b"\x00" not in head and not head.startswith(b"%PDF-"):
        return
    found = filetype.guess(head)
    if found is None:
        return
    if found.extension in _WORKBOOKS:
        raise CallqError(
            f"{path}: a spreadsheet workbook (.{found.extension}), not a CSV file; save the sheet "
            "as CSV (UTF-8) from your spreadsheet program and import that"
        )
    raise CallqError(
        f"{path}: a .{found.extension} file ({found.mime}), not text; "
        "callq imports CSV and vCard files"
    )


def sniff_kind(path: Path, text_head: str) -> str:
    """``"vcard"`` or ``"csv"``, from the content first and the name second."""
    if text_head.lstrip().upper().startswith("BEGIN:VCARD"):
        return "vcard"
    if path.suffix.lower() in {".vcf", ".vcard"}:
        return "vcard"
    return "csv"


def read_head(path: Path, encoding: Encoding) -> str:
    """The first block of the file as text, cut at the last whole line."""
    with path.open("rb") as handle:
        raw = handle.read(SAMPLE_BYTES)
    codec = "utf-8-sig" if encoding.codec == "utf-8" else encoding.codec
    decoder = codecs.getincrementaldecoder(codec)()
    try:
        text = decoder.decode(raw, final=len(raw) < SAMPLE_BYTES)
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise CallqError(
            f"{path}: line {line}: bytes that are not {encoding.label} ({exc.reason}); "
            "give the file's encoding with --encoding"
        ) from None
    if len(raw) == SAMPLE_BYTES:
        cut = max(text.rfind("\n"), text.rfind("\r"))
        text = text[: cut + 1] if cut > 0 else text
    return text


def sniff_delimiter(head: str, recognise) -> str:
    """The delimiter that turns the sample into a recognised header, else the one that gives the
    widest consistent rows. ``recognise(cells) -> score`` rates a candidate header."""
    best, best_key = ",", (-1, -1, -1)
    for delimiter in DELIMITERS:
        records = [r for r in _sample_records(head, delimiter) if any(c.strip() for c in r)]
        if not records:
            continue
        widths = Counter(len(r) for r in records)
        width, count = widths.most_common(1)[0]
        header_score = max((recognise(r) for r in records[:20]), default=0)
        key = (header_score, width if width > 1 else 0, count)
        if key > best_key:
            best, best_key = delimiter, key
    return best


def _sample_records(head: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(head, newline=""), delimiter=delimiter)
    out = []
    try:
        for record in reader:
            out.append(record)
            if len(out) >= 200:
                break
    except csv.Error:
        pass
    return out


class LineTap:
    """Hands lines to the CSV reader and remembers them, so a record's text as written (quotes,
    embedded newlines, CRLF) can be copied unchanged into the rejects file."""

    __slots__ = ("_lines", "_taken")

    def __init__(self, lines):
        self._lines = iter(lines)
        self._taken: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self._taken.append(line)
        return line

    def take(self) -> str:
        text = "".join(self._taken)
        self._taken.clear()
        return text


@dataclass
class CsvSource:
    """An open CSV file: its header (with the line it is on), then its data records."""

    path: Path
    encoding: Encoding
    delimiter: str
    header: list[str]
    header_line: int
    header_text: str  # the header record as written, for the rejects file
    _handle: object
    _reader: object
    _tap: LineTap | None

    def records(self) -> Iterator[tuple[int, list[str], str | None]]:
        """(line where the record starts, its cells, its text as written when kept)."""
        reader, tap = self._reader, self._tap
        line = reader.line_num + 1
        try:
            for cells in reader:
                start, line = line, reader.line_num + 1
                raw = tap.take() if tap is not None else None
                yield start, cells, raw
        except UnicodeDecodeError as exc:
            raise not_encoded(self.path, self.encoding, exc, line) from None
        except csv.Error as exc:
            raise CallqError(f"{self.path}: line {line}: {exc}") from None

    def position(self) -> int:
        """Bytes read so far (for progress)."""
        try:
            return self._handle.buffer.tell()
        except (OSError, ValueError):
            return 0

    def close(self) -> None:
        self._handle.close()


def open_csv(
    path: Path, encoding: Encoding, delimiter: str, find_header, *, keep_text: bool
) -> CsvSource:
    """Open ``path`` and read up to its header: the first of the leading records that
    ``find_header(cells, line)`` accepts (exports such as LinkedIn's put notes above it)."""
    handle = open_text(path, encoding)
    tap = LineTap(handle) if keep_text else None
    reader = csv.reader(tap if tap is not None else handle, delimiter=delimiter)
    line = 1
    try:
        for _ in range(20):
            cells = next(reader, None)
            if cells is None:
                break
            raw = tap.take() if tap is not None else ""
            if find_header(cells, line):
                return CsvSource(path, encoding, delimiter, cells, line, raw, handle, reader, tap)
            line = reader.line_num + 1
    except UnicodeDecodeError as exc:
        handle.close()
        raise not_encoded(path, encoding, exc, line) from None
    except csv.Error as exc:
        handle.close()
        raise CallqError(f"{path}: line {line}: {exc}") from None
    handle.close()
    raise CallqError(f"{path}: no header row found (a first row naming the columns)")


@dataclass
class VCard:
    """One vCard as parsed by vobject (or why it could not be), with its text as written."""

    line: int
    text: str
    card: object | None
    problem: str | None


def vcards(handle, path: Path) -> Iterator[VCard]:
    """The vCards of a file one at a time; a card that does not parse is reported, not fatal."""
    buffer: list[str] = []
    depth = 0
    start = 0
    number = 0
    try:
        for number, line in enumerate(handle, start=1):  # noqa: B007 - used after the loop
            token = line.strip().upper()
            if depth == 0:
                if not token:
                    continue
                if token != "BEGIN:VCARD":
                    yield VCard(number, line, None, "text outside any vCard (BEGIN:VCARD)")
                    continue
                start = number
            buffer.append(line)
            if token == "BEGIN:VCARD":
                depth += 1
            elif token == "END:VCARD":
                depth -= 1
                if depth == 0:
                    yield _parse_card(start, "".join(buffer))
                    buffer.clear()
    except UnicodeDecodeError as exc:
        raise CallqError(
            f"{path}: line {number + 1}: bytes that do not decode ({exc.reason}); "
            "give the file's encoding with --encoding"
        ) from None
    if buffer:
        yield VCard(start, "".join(buffer), None, "vCard never closed (END:VCARD missing)")


def _parse_card(line: int, text: str) -> VCard:
    try:
        card = vobject.readOne(io.StringIO(text), allowQP=True)
    except Exception as exc:  # noqa: BLE001 - vobject raises many kinds; each is reported
        where = getattr(exc, "lineNumber", None)
        reason = getattr(exc, "msg", None) or str(exc) or type(exc).__name__
        return VCard(
            line + (where - 1 if where else 0), text, None, f"vCard does not parse: {reason}"
        )
    return VCard(line, text, card, None)


def rejects_path(source: Path) -> Path:
    """A new file beside ``source`` for the rows that were not imported."""
    stem, suffix = source.stem, source.suffix or ".csv"
    candidate = source.with_name(f"{stem}.rejects{suffix}")
    n = 1
    while candidate.exists():
        n += 1
        candidate = source.with_name(f"{stem}.rejects-{n}{suffix}")
    return candidate


def create_private(path: Path, encoding: str | None = None, newline: str | None = None):
    """Open a new file for writing, readable by its owner only (0600), never clobbering one."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.fchmod(fd, 0o600)
    if encoding is None:
        return os.fdopen(fd, "wb")
    return os.fdopen(fd, "w", encoding=encoding, newline=newline)
