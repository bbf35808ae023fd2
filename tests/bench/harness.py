"""The benchmark's bookkeeping: a result row per measure and size, medians, ratios, targets,
the machine it ran on, and the table, JSON and README section it is reported as."""

from __future__ import annotations

import json
import os
import platform
import re
import sqlite3
import statistics
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = Path(__file__).resolve().parent / "results"
README = ROOT / "README.md"
README_START = "<!-- bench:start -->"
README_END = "<!-- bench:end -->"


class NotLanded(Exception):
    """What a measure measures is not built yet; the message says which issue will build it."""


@dataclass
class Target:
    """A budget: ``value`` or ``ratio`` compared with ``limit`` (``<=`` or ``>=``)."""

    on: str  # "value" or "ratio"
    op: str  # "<=" or ">="
    limit: float
    text: str

    def met(self, value: float | None, ratio: float | None) -> bool | None:
        subject = value if self.on == "value" else ratio
        if subject is None:
            return None
        return subject <= self.limit if self.op == "<=" else subject >= self.limit


@dataclass
class Row:
    """One line of the table: a measure at one size, its baseline and the verdict."""

    measure: str  # "P1"
    title: str
    size: str  # "100k", "1M", or "" when the size does not apply
    unit: str  # "ms", "MiB", "rows/s", "B", "×"
    value: float | None = None
    baseline: float | None = None
    baseline_name: str = ""
    target: Target | None = None
    runs: list[float] = field(default_factory=list)
    baseline_runs: list[float] = field(default_factory=list)
    not_measured: str = ""
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.baseline:
            return None
        return self.value / self.baseline

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.target.met(self.value, self.ratio)

    def as_dict(self) -> dict:
        data = asdict(self)
        data["ratio"] = self.ratio
        data["met"] = self.met
        data["target"] = self.target.text if self.target else ""
        return data


def compile_sources() -> None:
    """Byte-compile callq and the bench as an installed copy is (pip compiles what it installs),
    so no child measures compiling source: with PYTHONDONTWRITEBYTECODE set, as on some
    machines, every start would otherwise compile callq afresh and the warm-up could not help."""
    import compileall

    for package in ("models", "tui", "tests"):
        compileall.compile_dir(ROOT / package, quiet=2, workers=0)


def median(values: list[float]) -> float:
    return statistics.median(values)


def measured(row: Row, runs: list[float], baseline_runs: list[float] | None = None) -> Row:
    """Fill ``row`` with the medians of its runs (and its baseline's)."""
    row.runs = [round(v, 6) for v in runs]
    row.value = median(runs)
    if baseline_runs:
        row.baseline_runs = [round(v, 6) for v in baseline_runs]
        row.baseline = median(baseline_runs)
    return row


def size_label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1000 and size % 1000 == 0:
        return f"{size // 1000}k"
    return str(size)


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "")
    scale = {"k": 1000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * scale)


def machine() -> dict:
    """What the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = None
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f"{pages / 2**30:.0f} GiB"
    except (ValueError, OSError, AttributeError):
        pass
    from importlib.metadata import version

    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory": memory,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "textual": version("textual"),
        "peewee": version("peewee"),
    }


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "rows/s":
        return f"{value / 1000:,.0f}k rows/s"
    if unit == "B":
        return f"{value:,.0f} B"
    if unit == "ms":
        if value < 1:
            return f"{value:.3f} ms"
        return f"{value:,.1f} ms" if value < 100 else f"{value:,.0f} ms"
    if unit == "×":
        return f"{value:.2f}×"
    return f"{value:,.1f} {unit}"


def table(rows: list[Row] | list[dict]) -> str:
    """The results as a Markdown table (it reads as plain text too); rows or their JSON form."""
    lines = [
        "| measure | size | callq | baseline | ratio | target | |",
        "|---|---|---:|---:|---:|---|---|",
    ]
    for row in rows:
        row = row.as_dict() if isinstance(row, Row) else row
        title = f"{row['measure']} {row['title']}"
        if row["not_measured"]:
            lines.append(
                f"| {title} | {row['size']} | not measured: {row['not_measured']} | | | | |"
            )
            continue
        verdict = {True: "ok", False: "MISSED", None: ""}[row["met"]]
        ratio = "" if row["ratio"] is None else f"{row['ratio']:.2f}×"
        baseline = ""
        if row["baseline"] is not None:
            baseline = _fmt(row["baseline"], row["unit"])
            if row["baseline_name"]:
                baseline += f" ({row['baseline_name']})"
        lines.append(
            f"| {title} | {row['size']} | {_fmt(row['value'], row['unit'])} | {baseline} | "
            f"{ratio} | {row['target']} | {verdict} |"
        )
    return "\n".join(lines)


def readme_block(results: dict) -> str:
    """What README's Performance section shows: when, on what, and the table."""
    when = results["started"][:10]
    size = ", ".join(size_label(s) for s in results["sizes"])
    return (
        f"Measured {when} ({size} leads; medians of {results['runs']} starts and "
        f"{results['samples']} samples) on {machine_line(results['machine'])}.\n\n"
        f"{table(results['rows'])}"
    )


def machine_line(info: dict) -> str:
    return (
        f"{info['cpu']}, {info['cores']} cores, {info['memory']}, {info['os']}; "
        f"Python {info['python']}, SQLite {info['sqlite']}, Textual {info['textual']}"
    )


def write_json(results: dict, directory: Path) -> Path:
    """``bench-<stamp>.json`` and ``latest.json`` in ``directory``; returns the first."""
    directory.mkdir(parents=True, exist_ok=True)
    stamp = results["started"].replace(":", "").replace("-", "")[:15]
    path = directory / f"bench-{stamp}.json"
    text = json.dumps(results, indent=2, ensure_ascii=False)
    path.write_text(text + "\n")
    (directory / "latest.json").write_text(text + "\n")
    return path


def update_readme(text_block: str, readme: Path = README) -> None:
    """Replace the table between the README's bench markers."""
    content = readme.read_text()
    pattern = re.compile(re.escape(README_START) + r".*?" + re.escape(README_END), re.S)
    if not pattern.search(content):
        raise RuntimeError(f"{readme}: no {README_START} … {README_END} markers to fill")
    replacement = f"{README_START}\n{text_block}\n{README_END}"
    readme.write_text(pattern.sub(lambda _: replacement, content))
