"""What an import run read, wrote and refused: every problem with its line, column and reason."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .errors import CallqError

if TYPE_CHECKING:
    from .import_plan import ImportPlan


class Problem(NamedTuple):
    """One thing wrong (or worth knowing) about one row."""

    line: int
    column: str
    reason: str
    kind: str = "error"  # error (row not imported), warning (imported), duplicate

    def as_dict(self) -> dict:
        return self._asdict()


class ProblemLog:
    """Every problem of a run in the order found; past the first thousands they wait in a
    temporary file, so a million bad rows do not fill memory."""

    def __init__(self, keep: int = 5000):
        self.keep = keep
        self._first: list[Problem] = []
        self._spill = None
        self.counts = {"error": 0, "warning": 0, "duplicate": 0}

    def add(self, problem: Problem) -> None:
        self.counts[problem.kind] += 1
        if len(self._first) < self.keep:
            self._first.append(problem)
            return
        try:
            if self._spill is None:
                self._spill = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115 - closed by close()
            self._spill.write(json.dumps(problem.as_dict()) + "\n")
        except OSError as exc:
            raise self._cannot_keep(exc) from None

    def flush(self) -> None:
        """Write out the problems waiting in the temporary file (before the import commits:
        a full disk then stops it, rather than the report after it)."""
        if self._spill is not None:
            try:
                self._spill.flush()
            except OSError as exc:
                raise self._cannot_keep(exc) from None

    @staticmethod
    def _cannot_keep(exc: OSError) -> CallqError:
        return CallqError(
            f"{tempfile.gettempdir()}: cannot keep the list of problems ({exc.strerror}); "
            "nothing imported"
        )

    def __iter__(self) -> Iterator[Problem]:
        yield from self._first
        if self._spill is not None:
            self._spill.seek(0)
            for line in self._spill:
                yield Problem(**json.loads(line))
            self._spill.seek(0, os.SEEK_END)

    def __len__(self) -> int:
        return sum(self.counts.values())

    def close(self) -> None:
        if self._spill is not None:
            self._spill.close()
            self._spill = None


@dataclass
class ImportReport:
    """What a run read, wrote and refused; ``problems`` lists every one."""

    plan: ImportPlan
    duplicates_policy: str
    dry_run: bool
    skip_invalid: bool
    read: int = 0
    imported: int = 0
    updated: int = 0
    duplicates: int = 0  # skipped as duplicates
    kept_duplicates: int = 0  # duplicates imported anyway (policy keep)
    rejected: int = 0
    written: bool = False
    rejects_file: Path | None = None
    problems: ProblemLog = field(default_factory=ProblemLog)

    @property
    def errors(self) -> int:
        return self.problems.counts["error"]

    def summary(self) -> str:
        verb = "would import" if not self.written else "imported"
        text = (
            f"read {self.read}, {verb} {self.imported}, updated {self.updated}, "
            f"skipped as duplicates {self.duplicates}, rejected {self.rejected}"
        )
        if self.kept_duplicates:
            text += f" (kept {self.kept_duplicates} duplicates)"
        return text

    def as_dict(self) -> dict:
        return {
            "file": str(self.plan.path),
            "format": self.plan.mapping.format,
            "dry_run": self.dry_run,
            "written": self.written,
            "duplicates_policy": self.duplicates_policy,
            "read": self.read,
            "imported": self.imported,
            "updated": self.updated,
            "skipped_duplicates": self.duplicates,
            "kept_duplicates": self.kept_duplicates,
            "rejected": self.rejected,
            "rejects_file": str(self.rejects_file) if self.rejects_file else None,
            "problems": [p.as_dict() for p in self.problems],
        }
