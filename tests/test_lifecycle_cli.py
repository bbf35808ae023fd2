"""The lifecycle from the shell: qualify, status, referral, benefit, variant, source — JSON
shapes, exit codes, one-line errors that change nothing."""

from __future__ import annotations

import pytest

QUALIFY_KEYS = {"lead", "status", "answers", "likelihood", "timing", "passes", "unmet", "change"}
STATUS_KEYS = {"lead", "status", "deal_value", "lost_reason", "change", "updated", "ask_referral"}
CHANGE_KEYS = {"from", "to", "reason", "rep", "at"}
REFERRAL_KEYS = {
    "lead",
    "name",
    "status",
    "referred_by",
    "direct",
    "chain",
    "generations",
    "asks",
    "chain_leads",
    "ask_history",
}
BENEFIT_KEYS = {
    "id",
    "text",
    "industry",
    "product",
    "retired",
    "author",
    "created_at",
    "updated_at",
}
VARIANT_KEYS = {"name", "script", "active", "leads", "created_at"}


@pytest.fixture
def lead(cli):
    added = cli("lead", "add", "Ana Silva", "--phone", "+12125550123", "--industry", "restaurant")
    assert added.code == 0, added.err
    return 1


def _one_line_error(result, starts):
    assert result.code == 1, result
    assert result.err.startswith(f"callq: {starts}") and result.err.count("\n") == 1, result.err
    assert result.out == ""


def _snapshot(cli):
    """What a user could see changed: every lead, the library and the variants."""
    return (
        cli("lead", "list", "--json").out,
        cli("benefit", "list", "--all", "--json").out,
        cli("variant", "list", "--json").out,
        [cli("status", str(i), "--json").out for i in range(1, 4)],
    )


def test_qualify_shows_then_promotes(cli, lead):
    shown = cli("qualify", lead, "--json")
    assert shown.code == 0 and set(shown.json) == QUALIFY_KEYS
    assert shown.json["status"] == "lead" and shown.json["passes"] is False
    answers = [
        a for key in ("need", "afford", "authority", "approachable") for a in (f"--{key}", "y")
    ]
    result = cli("qualify", lead, *answers, "--eligible", "yes", "--likelihood", "70", "--json")
    data = result.json
    assert (data["status"], data["passes"], data["likelihood"]) == ("prospect", True, 70)
    assert set(data["change"]) == CHANGE_KEYS and data["change"]["to"] == "prospect"
    text = cli("qualify", lead, "--timing", "Q1 2027").out
    assert "timing       Q1 2027" in text and "prospect" in text


def test_qualify_by_choice_and_keep_lead(cli, lead):
    kept = cli("qualify", lead, "--need", "y", "--keep-lead", "--json").json
    assert kept["status"] == "lead"
    promoted = cli("qualify", lead, "--promote", "--json").json
    assert promoted["status"] == "prospect"
    assert promoted["change"]["reason"].startswith("promoted by choice")
    assert cli("qualify", lead, "--promote", "--keep-lead").code == 2


def test_status_customer_then_history(cli, lead):
    prospect = cli("status", lead, "prospect")
    assert "lead → prospect" in prospect.out and "referral" not in prospect.out
    customer = cli("status", lead, "customer", "--value", "12000")
    assert "prospect → customer" in customer.out and "deal value 12,000.00" in customer.out
    assert "Ask Ana Silva for a referral" in customer.out
    update = cli("status", lead, "customer", "--value", "9", "--json")
    assert update.code == 0 and set(update.json) == STATUS_KEYS
    data = update.json
    assert (data["deal_value"], data["ask_referral"], data["change"]) == (9.0, False, None)
    history = cli("status", lead, "--json").json
    assert [(c["from"], c["to"]) for c in history["history"]] == [
        ("lead", "prospect"),
        ("prospect", "customer"),
    ]
    assert set(history["history"][0]) == CHANGE_KEYS and history["deal_value"] == 9.0
    assert cli("lead", "show", lead, "--json").json["status_history"][1]["to"] == "customer"
    assert "prospect → customer by ana" in cli("status", lead).out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["qualify", "1", "--likelihood", "140"], "likelihood: 140 is out of range"),
        (["qualify", "1", "--need", "maybe"], "need: 'maybe' is not an answer"),
        (["qualify", "9", "--need", "yes"], "no lead with id 9"),
        (["status", "1", "customer"], "value: a new customer needs a deal value"),
        (["status", "1", "lost"], "reason: say why"),
        (["status", "1", "won"], "status: unknown value 'won'"),
        (["status", "1", "--value", "5"], "give the status to move to"),
        (["lead", "edit", "1", "--referred-by", "1"], "referred_by: lead 1 cannot have referred"),
        (["lead", "edit", "1", "--referred-by", "3"], "referred_by: lead 3 was referred through"),
        (["lead", "add", "Dan", "--phone", "+12125550199", "--referred-by", "7"], "referred_by:"),
        (
            ["referral", "2", "add", "Dan", "--phone", "+12125550199", "--source", "carrier"],
            "source: unknown value",
        ),
        (["referral", "9", "add", "Dan", "--phone", "+12125550199"], "no lead with id 9"),
        (["referral", "1", "ask", "obtained", "--touch", "5"], "touch: lead 1 has no touch 5"),
        (["benefit", "add", "  "], "text: the benefit statement is empty"),
        (["benefit", "add", "Works offline", "--industry", "alchemy"], "industry: unknown"),
        (["benefit", "use", "9", "--lead", "1"], "benefit: no benefit statement with id 9"),
        (["benefit", "remove", "9"], "no benefit statement with id 9"),
        (["variant", "add", "a"], "name: a variant called 'A' exists"),
        (["variant", "edit", "Z", "--retire"], "no variant called 'Z'"),
    ],
)
def test_bad_input_is_one_line_exit_1_and_changes_nothing(cli, lead, argv, message):
    assert cli("referral", lead, "add", "Ben", "--phone", "+12125550124").code == 0
    assert cli("referral", "2", "add", "Cleo", "--phone", "+12125550125").code == 0
    assert cli("variant", "add", "A").code == 0
    before = _snapshot(cli)
    _one_line_error(cli(*argv), message)
    assert _snapshot(cli) == before


def test_referral_add_ask_and_chain_counts(cli, lead):
    assert cli("status", lead, "customer", "--value", "1000", "--json").json["ask_referral"]
    ben = cli("referral", lead, "add", "Ben Ode", "--phone", "+12125550124", "--json")
    assert ben.code == 0 and ben.json["referred_by"] == 1 and ben.json["source"] == "referral"
    cleo = cli("referral", "2", "add", "Cleo", "--phone", "+12125550125", "--json").json
    assert cleo["source"] == "endless_chain"
    assert cli("referral", str(cleo["id"]), "add", "Eve", "--phone", "+12125550126").code == 0
    assert cli("status", "3", "customer", "--value", "250").code == 0
    assert cli("status", "4", "customer", "--value", "100.50").code == 0
    stats = cli("referral", lead, "--json")
    assert stats.code == 0 and set(stats.json) == REFERRAL_KEYS
    data = stats.json
    assert data["direct"] == {"leads": 1, "customers": 0, "value": 0.0}
    assert data["chain"] == {"leads": 3, "customers": 2, "value": 350.5}
    assert [g["generation"] for g in data["generations"]] == [1, 2, 3]
    assert [(c["id"], c["generation"]) for c in data["chain_leads"]] == [(2, 1), (3, 2), (4, 3)]
    assert data["asks"] == {"obtained": 1, "declined": 0, "skipped": 0}
    text = cli("referral", lead).out
    assert "referrals  1 referred: 0 customers, 0.00" in text
    assert "chain      3 leads: 2 customers, 350.50" in text
    assert "asks       1 asked, 1 obtained, 0 not asked" in text
    assert "      #3 Cleo (customer)  250.00" in text
    ask = cli("referral", "2", "ask", "declined", "--json")
    assert ask.code == 0 and (ask.json["asked"], ask.json["obtained"]) == (True, False)
    assert "referrals  1 referred" in cli("lead", "show", lead).out


def test_lead_edit_sets_and_clears_the_referrer(cli, lead):
    assert cli("lead", "add", "Ben", "--phone", "+12125550124").code == 0
    assert cli("lead", "edit", "2", "--referred-by", "1", "--json").json["referred_by"] == 1
    assert cli("lead", "edit", "2", "--referred-by", "none", "--json").json["referred_by"] is None
    assert cli("lead", "edit", "2", "--referred-by", "someone").code == 2


def test_benefit_library_from_the_shell(cli, lead):
    added = cli("benefit", "add", "Saves an hour a night", "--industry", "restaurant", "--json")
    assert added.code == 0 and set(added.json) == BENEFIT_KEYS | {"uses"}
    assert cli("benefit", "add", "Trades before the open", "--industry", "stock_broker").code == 0
    assert cli("benefit", "add", "No new hardware").code == 0
    fits = cli("benefit", "list", "--lead", lead, "--json").json
    assert [b["text"] for b in fits] == ["Saves an hour a night", "No new hardware"]
    assert [b["id"] for b in cli("benefit", "list", "--search", "HOUR", "--json").json] == [1]
    used = cli("benefit", "use", "1", "--lead", lead, "--json")
    assert used.code == 0 and (used.json["kind"], used.json["added"]) == ("benefit", True)
    assert cli("benefit", "use", "1", "--lead", lead, "--json").json["added"] is False
    assert cli("benefit", "edit", "1", "--product", "Booker", "--json").json["product"] == "Booker"
    assert cli("benefit", "remove", "1").code == 0
    assert [b["id"] for b in cli("benefit", "list", "--json").json] == [2, 3]
    assert "no benefit statements match" in cli("benefit", "list", "--search", "zzz").out


def test_variants_from_the_shell(cli, lead):
    added = cli("variant", "add", "A", "--script", "Hi, I help restaurants", "--json")
    assert added.code == 0 and set(added.json) == VARIANT_KEYS | {"touches"}
    assert cli("variant", "add", "B").code == 0
    rows = cli("variant", "list", "--json").json
    assert [(r["name"], r["leads"], r["active"]) for r in rows] == [("A", 0, True), ("B", 0, True)]
    nxt = cli("variant", "next", lead, "--json").json
    assert (nxt["variant"]["name"], nxt["assigned"]) == ("A", None)
    assert cli("variant", "edit", "A", "--retire", "--json").json["active"] is False
    assert cli("variant", "next", lead, "--json").json["variant"]["name"] == "B"
    assert "(retired)" in cli("variant", "list").out


def test_source_list_includes_your_own(cli, private_home):
    config = private_home / ".config" / "callq"
    config.mkdir(parents=True)
    (config / "config.toml").write_text('[sources]\ntrade_press = "Trade press article"\n')
    rows = cli("source", "list", "--json").json
    assert rows[0] == {
        "key": "referral",
        "label": "Referral from a satisfied customer",
        "shipped": True,
    }
    assert rows[-1] == {"key": "trade_press", "label": "Trade press article", "shipped": False}
    added = cli(
        "lead", "add", "Ana", "--phone", "+12125550123", "--source", "trade-press", "--json"
    )
    assert added.json["source"] == "trade_press"
    (config / "config.toml").write_text('[sources]\n"bad key!" = "x"\n')
    _one_line_error(cli("source", "list"), f"{config / 'config.toml'}: sources.bad key!")


def test_import_knows_your_own_sources(cli, private_home, tmp_path):
    config = private_home / ".config" / "callq"
    config.mkdir(parents=True)
    (config / "config.toml").write_text('[sources]\ntrade_press = "Trade press article"\n')
    path = tmp_path / "leads.csv"
    path.write_text("Name,Phone,Source\nAna,+12125550123,Trade press\nBo,+12125550124,Pigeon\n")
    result = cli("import", path, "--skip-invalid", "--json")
    assert result.code == 0, result.err
    report = result.json["report"]
    assert report["imported"] == 1
    assert [(p["line"], p["column"]) for p in report["problems"]] == [(3, "Source")]
    (ana,) = cli("lead", "list", "--json").json
    assert (ana["name"], ana["source"]) == ("Ana", "trade_press")


def test_the_demo_has_a_lifecycle_to_show(cli):
    assert cli("demo", "--leads", "60").code == 0
    leads = cli("lead", "list", "--limit", "100", "--json").json
    statuses = {lead["status"] for lead in leads}
    assert {"lead", "prospect", "customer"} <= statuses and "lost" not in statuses
    customers = [lead for lead in leads if lead["status"] == "customer"]
    assert all(lead["deal_value"] > 0 for lead in customers)
    variants = cli("variant", "list", "--json").json
    assigned = [lead["variant"] for lead in leads if lead["variant"]]
    assert {v["name"]: v["leads"] for v in variants} == {
        name: assigned.count(name) for name in ("A", "B")
    }
    assert len(cli("benefit", "list", "--json").json) >= 10
    referred = [lead for lead in leads if lead["referred_by"]]
    assert len(referred) >= 10
    deepest = max(
        len(cli("referral", lead["id"], "--json").json["generations"]) for lead in leads[:10]
    )
    assert deepest >= 2


def test_log_prompts_for_a_referral_after_a_conversation_only(cli, lead):
    assert cli("lead", "add", "Ben", "--phone", "+12125550124").code == 0
    quiet = cli("log", "2", "no_answer")
    assert quiet.code == 0 and "referral" not in quiet.out
    talked = cli("log", lead, "connected")
    assert "Ask Ana Silva for a referral" in talked.out
    assert f"callq referral {lead} add NAME" in talked.out
    asked = cli("referral", lead, "ask", "obtained", "--json").json
    assert asked["touch"] == 2 and asked["obtained"] is True


def test_log_records_the_variant_and_benefit_statement(cli, lead):
    assert cli("variant", "add", "A").code == 0
    assert cli("variant", "add", "B").code == 0
    assert cli("benefit", "add", "Saves an hour a night", "--industry", "restaurant").code == 0
    data = cli("log", lead, "connected", "--benefit", "1", "--json").json
    assert (data["variant"], data["benefit"], data["ask_referral"]) == ("A", 1, True)
    assert cli("lead", "show", lead, "--json").json["variant"] == "A"
    assert [v["touches"] for v in cli("variant", "list", "--json").json] == [1, 0]
    _one_line_error(cli("log", lead, "no_answer", "--benefit", "7"), "benefit: no benefit")
    _one_line_error(cli("log", lead, "no_answer", "--variant", "Z"), "variant: no variant")
    assert len(cli("lead", "show", lead, "--json").json["touches"]) == 1
