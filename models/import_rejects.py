"""The rejects file of an import with ``--skip-invalid``: the refused rows' text as written,
beside the input, made only when a row is refused. It is written out before the import
commits (a disk too full to hold it stops the import) and removed when nothing is imported."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

from .errors import CallqError
from .import_encoding import Encoding
from .import_files import create_private, rejects_path

if TYPE_CHECKING:
    from .import_report import ImportReport


class RejectsFile:
    """The run's rejects file (its path goes on the report)."""

    def __init__(self, report: ImportReport):
        self.report = report
        self.header = ""  # the header record as written
        self.encoding: Encoding | None = None  # the input's
        self._file = None

    def write(self, texts: list[str]) -> None:
        """Add refused rows' text; the first opens the file (0600) and writes the header."""
        try:
            if self._file is None:
                self.report.rejects_file = rejects_path(self.report.plan.path)
                codec = self.encoding.codec if self.encoding else "utf-8"
                self._file = create_private(self.report.rejects_file, encoding=codec, newline="")
                self._file.write(self.header)
            self._file.writelines(texts)
        except OSError as exc:  # a full disk: the import is rolled back, the file removed
            raise self._cannot_write(exc) from None

    def keep(self) -> None:
        """Write the file out and close it (inside the import's transaction)."""
        if self._file is None:
            return
        try:
            self._file.close()
        except OSError as exc:
            raise self._cannot_write(exc) from None
        finally:
            self._file = None

    def discard(self) -> None:
        """Remove the file: nothing was imported."""
        self.close()
        if self.report.rejects_file is not None:
            self.report.rejects_file.unlink(missing_ok=True)
            self.report.rejects_file = None

    def close(self) -> None:
        if self._file is not None:
            with contextlib.suppress(OSError):  # a full disk: never hide the first error
                self._file.close()
            self._file = None

    def _cannot_write(self, exc: OSError) -> CallqError:
        return CallqError(
            f"{self.report.rejects_file}: cannot write the rejected rows ({exc.strerror}); "
            "nothing imported"
        )
