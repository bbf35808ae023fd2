"""The command line: output shapes, exit codes, one-line errors that change nothing."""

from __future__ import annotations

import os
import stat
import subprocess
import sys

import pytest

LEAD_KEYS = {
    "id",
    "name",
    "company",
    "title",
    "phone",
    "phone_national",
    "email",
    "zone",
    "industry",
    "source",
    "referred_by",
    "owner",
    "status",
    "deal_value",
    "lost_reason",
    "variant",
    "qualification",
    "cadence_days",
    "channel",
    "call_window",
    "next_touch_at",
    "attempts",
    "exhausted",
    "last_contacted_at",
    "created_at",
    "updated_at",
}


def test_demo_then_list_json(cli, db_path):
    result = cli("demo", "--leads", "40")
    assert result.code == 0 and "40 leads" in result.out
    leads = cli("lead", "list", "--json", "--limit", "100").json
    assert len(leads) == 40
    assert set(leads[0]) == LEAD_KEYS
    zones = {lead["zone"] for lead in leads}
    assert len(zones) >= 6 and any(z.startswith("Asia/") for z in zones)
    assert any(z.startswith("America/") for z in zones) and any(
        z.startswith("Europe/") for z in zones
    )
    assert len({lead["industry"] for lead in leads}) >= 4
    assert len({lead["source"] for lead in leads}) >= 4
    assert all(lead["phone"].startswith("+") for lead in leads)
    assert any(lead["next_touch_at"] < "2026-11-23T14:00:00Z" for lead in leads)  # some overdue
    assert stat.S_IMODE(os.stat(db_path).st_mode) == 0o600
    shown = cli("lead", "show", "1", "--json").json
    assert isinstance(shown["notes"], list) and isinstance(shown["touches"], list)


def test_lead_add_show_json_shape(cli):
    added = cli(
        "lead",
        "add",
        "Ana Silva",
        "--company",
        "Silva Bistro",
        "--phone",
        "+1 212 555 0123",
        "--industry",
        "restaurant",
        "--source",
        "referral",
        "--cadence",
        "14",
        "--channel",
        "text",
        "--json",
    )
    assert added.code == 0, added.err
    lead = added.json
    assert set(lead) == LEAD_KEYS
    assert (lead["phone"], lead["zone"], lead["cadence_days"], lead["channel"]) == (
        "+12125550123",
        "America/New_York",
        14,
        "text",
    )
    assert lead["next_touch_at"] == "2026-11-23T14:00:00Z"
    assert lead["owner"] == "ana"
    assert (
        cli("note", lead["id"], "Books 40 covers a night by phone", "--kind", "benefit").code == 0
    )
    shown = cli("lead", "show", lead["id"], "--json").json
    assert shown["notes"][0]["kind"] == "benefit"
    text = cli("lead", "show", lead["id"]).out
    assert "(212) 555-0123" in text and "every 14 days by text" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--phone", "555"], "phone:"),
        (["--phone", "+12125550123", "--zone", "GMT+3"], "zone:"),
        (["--phone", "+12125550123", "--email", "x@"], "email:"),
        (["--phone", "+12125550123", "--industry", "x"], "industry:"),
        (["--phone", "+12125550123", "--source", "x"], "source:"),
        (["--phone", "+12125550123", "--cadence", "-1"], "cadence_days:"),
        (["--phone", "+12125550123", "--channel", "fax"], "channel:"),
        (["--email", "ana@example.com"], "zone:"),
    ],
)
def test_lead_add_bad_input_is_one_line_exit_1_and_nothing_written(cli, args, message):
    assert cli("demo", "--leads", "3").code == 0
    result = cli("lead", "add", "Ana", *args)
    assert result.code == 1
    assert result.err.startswith(f"callq: {message}") and result.err.count("\n") == 1
    assert result.out == ""
    assert len(cli("lead", "list", "--json").json) == 3


def test_unknown_lead_id_exit_1(cli):
    for argv in (
        ["lead", "show", "42"],
        ["note", "42", "hello"],
        ["lead", "edit", "42", "--title", "x"],
    ):
        result = cli(*argv)
        assert (result.code, result.err) == (1, "callq: no lead with id 42\n")


def test_not_a_callq_database_exit_1_and_untouched(cli, tmp_path):
    other = tmp_path / "contacts.csv"
    other.write_text("name,phone\n")
    result = cli("lead", "list", db=other)
    assert result.code == 1 and "not a callq database" in result.err
    assert other.read_text() == "name,phone\n"


def test_database_path_not_writable_exit_1(cli, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    result = cli("lead", "list", db=blocker / "callq.db")
    assert result.code == 1 and "cannot create" in result.err


def test_usage_errors_exit_2(cli):
    assert cli("lead", "frobnicate").code == 2
    assert cli("lead", "show", "not-a-number").code == 2


def test_bad_now_is_a_user_error(capsys, db_path):
    from tests.cli_helpers import run_cli

    result = run_cli(capsys, "--db", db_path, "--now", "yesterday", "lead", "list")
    assert result.code == 1 and "--now" in result.err


def test_rep_defaults_to_the_os_user(capsys, db_path):
    import getpass

    from tests.cli_helpers import run_cli

    run_cli(capsys, "--db", db_path, "lead", "add", "Ana", "--phone", "+12125550123")
    shown = run_cli(capsys, "--db", db_path, "lead", "show", "1", "--json").json
    assert shown["owner"] == getpass.getuser()


def test_workstation_refuses_without_a_terminal(db_path):
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--db", str(db_path)],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 1
    assert "needs a terminal" in result.stderr


def test_opening_the_workstation_does_not_import_every_command():
    """Start-up is what a rep feels: no subcommand's heavy imports (vobject, icalendar…)."""
    code = (
        "import sys\n"
        "from tui.cli import parse_args\n"
        "args = parse_args(['--db', 'x.db', '--no-mouse'])\n"
        "assert args.command is None and args.no_mouse\n"
        "print(sorted(m for m in sys.modules if m in ('models.exporting', 'models.importing',"
        " 'vobject', 'icalendar', 'tui.cli.leads')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "[]"


def test_the_import_progress_line_never_wraps():
    from tui.cli.importing import bar_line

    short = bar_line("leads.csv", 500, 1000, 218_000, 39_114.4, 80)
    assert short == f"leads.csv [{'#' * 15}{'.' * 15}]  50% 218,000 rows 39,114/s"
    name = "prospects-from-the-spring-trade-show-2026.csv"
    for columns in (80, 60, 40):
        line = bar_line(name, 1, 3, 1_234_567, 1e5, columns)
        assert len(line) < columns  # a line as wide as the terminal wraps
        if columns >= 60:
            assert line.startswith("prospects-") and "…" in line
            assert line.endswith(" 33% 1,234,567 rows 100,000/s")
