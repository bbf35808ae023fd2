"""Planning an import: the options a run may take, what callq makes of a file before importing
it (encoding, kind, delimiter, header, the mapping of columns to lead fields) for the preview,
and mappings saved by name for files that come back in the same shape.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from . import clock
from .db import write_transaction
from .errors import CallqError
from .import_encoding import Encoding, check_encoding_name, detect_encoding
from .import_files import (
    DELIMITER_NAMES,
    open_csv,
    read_head,
    refuse_binary,
    sniff_delimiter,
    sniff_kind,
)
from .import_formats import Mapping, apply_overrides, check_usable, detect_mapping, header_score
from .import_rows import VCARD_FIELDS
from .printable import one_line
from .schema import ImportMapping

DUPLICATE_POLICIES = {
    "skip": "skip the row (the lead already there stays as it is)",
    "update": "update the lead already there with the row's non-empty fields",
    "keep": "keep both",
}


@dataclass
class ImportOptions:
    """How to read and write: everything the command line and the dialog can choose."""

    region: str = "US"
    duplicates: str = "skip"
    skip_invalid: bool = False
    dry_run: bool = False
    encoding: str | None = None
    delimiter: str | None = None
    overrides: list[str] = field(default_factory=list)
    values: list[str] = field(default_factory=list)
    mapping_name: str | None = None
    save_mapping: str | None = None
    default_zone: str | None = None
    sources: dict[str, str] | None = None  # the known sources (default: the shipped list)


@dataclass
class ImportPlan:
    """What callq makes of a file before importing it (the preview)."""

    path: Path
    kind: str  # csv or vcard
    encoding: Encoding
    delimiter: str | None
    header: list[str]
    header_line: int
    mapping: Mapping

    @property
    def unmapped(self) -> list[str]:
        used = {c for cols in self.mapping.columns.values() for c in cols}
        return [c for c in self.header if c.strip() and c.strip() not in used]

    def describe(self) -> list[str]:
        """The preview, as lines."""
        if self.kind == "vcard":
            what = f"vCard file, {self.encoding.label}"
        else:
            what = (
                f"CSV file, {self.encoding.label}, {DELIMITER_NAMES[self.delimiter]}-separated, "
                f"header on line {self.header_line}"
            )
        lines = [f"{self.path}: {what}", f"recognised as: {self.mapping.format}"]
        lines += ["  " + line for line in self.mapping.describe()]
        if self.unmapped:
            lines.append("  not imported: " + ", ".join(self.unmapped))
        return lines

    def as_dict(self) -> dict:
        return {
            "file": str(self.path),
            "kind": self.kind,
            "encoding": self.encoding.label,
            "delimiter": self.delimiter,
            "header_line": self.header_line,
            "format": self.mapping.format,
            "columns": self.mapping.columns,
            "defaults": self.mapping.defaults,
            "values": self.mapping.values,
            "unmapped": self.unmapped,
        }


def plan_import(path: str | os.PathLike, options: ImportOptions | None = None) -> ImportPlan:
    """Read the head of ``path`` and decide how to import it; raises :class:`CallqError` with
    the file named when it cannot be read."""
    options = options or ImportOptions()
    path = Path(path).expanduser()
    if not path.exists():
        raise CallqError(f"{path}: no such file")
    if path.is_dir():
        raise CallqError(f"{path}: is a directory, not a file")
    if not os.access(path, os.R_OK):
        raise CallqError(f"{path}: not readable by you")
    if path.stat().st_size == 0:
        raise CallqError(f"{path}: the file is empty")
    refuse_binary(path)
    encoding = check_encoding_name(options.encoding) if options.encoding else detect_encoding(path)
    head = read_head(path, encoding)
    if sniff_kind(path, head) == "vcard":
        mapping = Mapping("vCard", {name: [label] for name, label in VCARD_FIELDS.items()})
        return ImportPlan(path, "vcard", encoding, None, [], 1, mapping)
    delimiter = _delimiter(options.delimiter) or sniff_delimiter(head, header_score)
    try:
        source = open_csv(path, encoding, delimiter, _is_header, keep_text=False)
    except CallqError as exc:
        if "no header row" not in str(exc):
            raise
        # No header callq knows: the first row names the columns; --map says what they hold.
        source = open_csv(path, encoding, delimiter, _not_blank, keep_text=False)
    source.close()
    header = [c.strip() for c in source.header]
    if options.mapping_name:
        base = load_mapping(options.mapping_name)
        missing = [c for cols in base.columns.values() for c in cols if c not in header]
        if missing:
            raise CallqError(
                f"{path}: saved mapping {options.mapping_name!r} uses columns this file lacks: "
                + ", ".join(repr(c) for c in missing)
            )
    else:
        base = detect_mapping(header)
    mapping = apply_overrides(base, header, options.overrides, options.values)
    check_usable(mapping, path)
    return ImportPlan(path, "csv", encoding, delimiter, header, source.header_line, mapping)


def _is_header(cells: list[str], line: int) -> bool:
    return header_score(cells) > 0


def _not_blank(cells: list[str], line: int) -> bool:
    return bool("".join(cells).strip())


def _delimiter(given: str | None) -> str | None:
    if given is None:
        return None
    named = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|", "\\t": "\t"}
    value = named.get(given.lower(), given)
    if value not in DELIMITER_NAMES:
        raise CallqError(f"--delimiter: {given!r}; use comma, semicolon, tab or pipe")
    return value


def save_mapping(name: str, mapping: Mapping, *, now=None) -> None:
    """Keep ``mapping`` under ``name`` (replacing one of that name)."""
    now = clock.resolve(now)
    name = one_line(name, "--save-mapping")
    if not name:
        raise CallqError("--save-mapping: give the mapping a name")
    existing = ImportMapping.get_or_none(ImportMapping.name == name)
    if existing is None:
        ImportMapping.create(name=name, spec=mapping.to_json(), created_at=now, updated_at=now)
    else:
        existing.spec, existing.updated_at = mapping.to_json(), now
        existing.save()


def load_mapping(name: str) -> Mapping:
    found = ImportMapping.get_or_none(ImportMapping.name == name)
    if found is None:
        names = [m.name for m in ImportMapping.select().order_by(ImportMapping.name)]
        known = ", ".join(names) if names else "none saved yet (use --save-mapping NAME)"
        raise CallqError(f"--mapping: no saved mapping {name!r}; saved: {known}")
    return Mapping.from_json(name, found.spec)


def saved_mappings() -> list[tuple[str, Mapping]]:
    """Every saved mapping, by name."""
    return [
        (m.name, Mapping.from_json(m.name, m.spec))
        for m in ImportMapping.select().order_by(ImportMapping.name)
    ]


def delete_mapping(name: str) -> None:
    with write_transaction():
        deleted = ImportMapping.delete().where(ImportMapping.name == name).execute()
    if not deleted:
        raise CallqError(f"no saved mapping {name!r}")
