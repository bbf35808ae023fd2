"""The benchmark cannot rot: a tiny run of all of it (P1–P7) on every test run, and the generator's
database checked for what the real runs rely on."""

from __future__ import annotations

import io
import json
import sqlite3

import pytest

from models.catalog import INDUSTRIES
from tests.bench import generate
from tests.bench.__main__ import main as bench_main

MEASURES = ["P1", "P2", "P3", "P4", "P5", "P6", "P7"]


@pytest.fixture(scope="module")
def tiny_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("bench")
    out = io.StringIO()
    code = bench_main(
        ["--tiny", "--cache", str(base / "cache"), "--results", str(base / "results")], out=out
    )
    return code, out.getvalue(), base


def test_tiny_benchmark_measures_all_seven_beside_their_baselines(tiny_run):
    code, printed, base = tiny_run
    assert code == 0, printed
    results = json.loads((base / "results" / "latest.json").read_text())
    assert results["machine"]["cores"] >= 1 and results["machine"]["python"]
    assert sorted({row["measure"] for row in results["rows"]}) == MEASURES
    for row in results["rows"]:
        assert not row["not_measured"], row  # every subject is on main: all seven are measured
        assert row["value"] > 0 and row["runs"], row
        assert row["baseline"] > 0 and row["baseline_runs"], row
        assert row["ratio"] == pytest.approx(row["value"] / row["baseline"])
    assert "| P1 start → interactive queue | 300 |" in printed


def test_a_subject_not_on_main_is_reported_as_not_measured_never_as_a_number():
    from tests.bench.harness import NotLanded, Row, table
    from tests.bench.subjects import _function

    with pytest.raises(NotLanded, match=r"models/nowhere\.py is not on main yet \(issue 99\)"):
        _function("models.nowhere", "build_it", "issue 99")
    printed = table([Row("P3", "queue rebuild", "", "", not_measured="not built (issue 99)")])
    assert "| P3 queue rebuild |  | not measured: not built (issue 99) |" in printed


def test_generated_database_spans_zones_presets_and_history(tiny_run):
    _, _, base = tiny_run
    path = base / "cache" / generate.cache_name(300)
    assert path.exists() and (path.stat().st_mode & 0o777) == 0o600
    con = sqlite3.connect(path)
    try:
        zones, industries = con.execute(
            "SELECT count(DISTINCT zone), count(DISTINCT industry) FROM lead"
        ).fetchone()
        touches = con.execute("SELECT count(*) FROM touch").fetchone()[0]
        due = con.execute(
            "SELECT count(*) FROM lead WHERE next_touch_at <= ?",
            (generate.NOW.to_datetime_string(),),
        ).fetchone()[0]
        version = con.execute("PRAGMA user_version").fetchone()[0]
    finally:
        con.close()
    assert zones >= 40
    assert industries == len(INDUSTRIES)  # so every call-window preset is exercised
    assert touches > 300 and due > 0
    assert f"-s{version}-" in path.name  # keyed by the schema it was generated for


def test_cached_database_is_reused(tiny_run):
    _, _, base = tiny_run
    path = generate.cached_database(300, base / "cache")
    before = path.stat().st_mtime_ns
    assert generate.cached_database(300, base / "cache") == path
    assert path.stat().st_mtime_ns == before


def test_import_csv_rows_are_valid_numbers_in_their_zone():
    from models.phones import normalise_phone, suggest_zone

    zones = {zone for zone, _, _ in generate.csv_places()}
    assert len(zones) >= 40
    for row in generate.csv_rows(200):
        e164 = normalise_phone(row[4], "US")
        assert suggest_zone(e164) in zones
