"""Running ``callq`` in-process the way a shell would, capturing output and exit code."""

from __future__ import annotations

import json
from dataclasses import dataclass

from tui.cli import main


@dataclass
class Result:
    code: int
    out: str
    err: str

    @property
    def json(self):
        return json.loads(self.out)


def run_cli(capsys, *argv) -> Result:
    capsys.readouterr()
    try:
        code = main([str(a) for a in argv])
    except SystemExit as exc:  # argparse: usage errors and --help
        code = exc.code
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)
