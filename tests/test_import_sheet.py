"""A common sheet checked a chunk at a time, column by column (models/import_sheet.py), must give
exactly what checking it row by row gives: the same leads, notes and referrers, the same
problems in the same order, the same rows refused with the same text for the rejects file."""

from __future__ import annotations

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from models.import_check import RowChecker
from models.import_plan import ImportOptions, plan_import
from models.import_rows import csv_rows
from tests.conftest import NOW

HEADERS = [
    ["Name", "Company", "Phone", "Email", "Zone", "Industry", "Source", "Notes", "Referred By"],
    ["First Name", "Last Name", "Title", "Phone", "Email", "Industry"],
    ["Full Name", "Mobile Phone", "Business Phone", "E-mail Address", "Notes"],
]


def _mostly(good: list[str], bad: list[str]):
    """Cells of one column: mostly right (so most rows are clean), sometimes not."""
    return st.one_of(
        st.sampled_from(good),
        st.sampled_from(good),
        st.sampled_from(good),
        st.sampled_from(bad + ["", "  "]),
        st.text(alphabet=st.sampled_from(list("ab +12@./é")), max_size=10),
        # A control character: a tab or line break (made a space) or an escape (refused).
        st.text(alphabet=st.sampled_from(list("ab \t\n\r\x1b\x07")), min_size=1, max_size=6),
    )


NAMES = _mostly(["Ana Silva", " Ben ", "Cleo", "Dóra Kiss"], [])
PHONES = _mostly(
    ["(212) 555-0134", "+1 212 555 0178", "212.555.0199", "+44 20 7946 0958", "+49 30 901820"],
    ["212-555-01", "+1 800 555 0100", "555 0199 ::: 555 0100", "+1 212 555 0134"],
)
EMAILS = _mostly(
    ["ana@example.com", " BEN@Example.COM ", "cleo@example.org"],
    ["not-an-email", "a@b.c ::: d@e.f", "ana@example.com"],
)
COLUMNS = {
    "Name": NAMES,
    "Full Name": NAMES,
    "First Name": NAMES,
    "Last Name": NAMES,
    "Company": _mostly(["Silva Bistro", " Kiss Kft "], []),
    "Title": _mostly(["Owner", "CFO "], []),
    "Phone": PHONES,
    "Mobile Phone": PHONES,
    "Business Phone": PHONES,
    "Email": EMAILS,
    "E-mail Address": EMAILS,
    "Zone": _mostly(["", "", "America/New_York", "europe/berlin"], ["Mars/Base"]),
    "Industry": _mostly(["restaurant", "Restaurants", "office", ""], ["spaceships"]),
    "Source": _mostly(["referral", "Trade Show", ""], ["carrier pigeon"]),
    "Notes": _mostly(
        ["", "Asked for pricing", '[{"body": "Called", "kind": "objection"}]'],
        ['[{"body": "x", "kind": "nonsense"}]', '[{"body": "\\u001b[2J"}]'],
    ),
    "Referred By": st.sampled_from(["", "", "", "ana@example.com", "+1 212 555 0134", "x"]),
}


@st.composite
def sheets(draw):
    header = draw(st.sampled_from(HEADERS))
    rows = []
    for _ in range(draw(st.integers(0, 12))):
        row = [draw(COLUMNS[name]) for name in header]
        odd = draw(st.integers(0, 9))
        if odd == 0:
            row = row[: draw(st.integers(0, len(row)))]  # short: padded
        elif odd == 1:
            row.append("stray")  # long: refused
        rows.append(row)
    return header, rows


def _rows_checked(path, keep_text: bool, packed: bool, default_zone=None, overrides=()):
    plan = plan_import(path, ImportOptions(overrides=list(overrides)))
    checker = RowChecker(plan.mapping, "US", default_zone, owner_id=None, now=NOW)
    records = csv_rows(plan, checker, keep_text)
    if packed:
        assert records.packs
        rows = [row for chunk in records.packed(3) for row in chunk.rows()]
    else:
        rows = [row for row in records if row is not None]
    found = checker.found
    return (
        [(r.line, r.lead, list(r.notes), r.referrer) for r in rows],
        [(p.line, p.column, p.reason, p.kind) for p in found.problems],
        found.read,
        found.rejected,
        found.rejects,
    )


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(sheet=sheets(), keep_text=st.booleans(), default_zone=st.sampled_from([None, "UTC"]))
def test_a_sheet_checked_by_columns_gives_what_row_by_row_gives(
    db, tmp_path_factory, sheet, keep_text, default_zone
):
    header, rows = sheet
    # Referrers are mapped by hand; Outlook's two phone columns: the second when the first is
    # empty.
    overrides = ["referred_by=Referred By"] if "Referred By" in header else []
    text = io.StringIO(newline="")
    csv.writer(text).writerows([header, *rows])
    path = tmp_path_factory.mktemp("sheet") / "leads.csv"
    path.write_text(text.getvalue(), encoding="utf-8")
    by_rows = _rows_checked(path, keep_text, False, default_zone, overrides)
    by_columns = _rows_checked(path, keep_text, True, default_zone, overrides)
    assert by_columns == by_rows


def test_a_clean_chunk_is_packed_with_its_lines_and_notes(db, tmp_path):
    path = tmp_path / "leads.csv"
    path.write_text(
        "Name,Phone,Email,Industry,Notes\n"
        "Ana Silva,(212) 555-0134,Ana@Example.com,restaurant,Asked for pricing\n"
        "\n"
        'Ben Braun,+1 212 555 0178,ben@example.com,Restaurants,"two\nlines"\n'
        "Cleo Diaz,+1 212 555 0199,cleo@example.com,,\n",
        encoding="utf-8",
    )
    plan = plan_import(path, ImportOptions())
    checker = RowChecker(plan.mapping, "US", None, owner_id=None, now=NOW)
    (chunk,) = list(csv_rows(plan, checker, False).packed(10))
    assert chunk.leads == [  # "" for no company, title or phone as written: not bound as None
        ("Ana Silva", "", "", "+12125550134", "", "ana@example.com",
         "America/New_York", "restaurant", None),
        ("Ben Braun", "", "", "+12125550178", "", "ben@example.com",
         "America/New_York", "restaurant", None),
        ("Cleo Diaz", "", "", "+12125550199", "", "cleo@example.com",
         "America/New_York", None, None),
    ]  # fmt: skip
    assert chunk.lines == [(0, 2), (1, 4), (2, 6)]  # line 3 is blank; Ben's note takes two
    assert {i: notes[1][0][1] for i, notes in chunk.extras.items()} == {
        0: "Asked for pricing",
        1: "two\nlines",
    }
    assert checker.found.read == 3 and not checker.found.problems
