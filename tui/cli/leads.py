"""``callq lead add|show|edit|list``."""

from __future__ import annotations

import argparse

from models.catalog import CHANNELS, INDUSTRIES, SOURCES, STATUSES
from models.leads import (
    KEEP,
    add_lead,
    edit_lead,
    get_lead,
    lead_as_dict,
    list_leads,
    touch_as_dict,
    touches_for,
)
from models.notes import note_as_dict, notes_for
from models.phones import national
from models.pipeline import QUESTIONS, change_as_dict
from models.referrals import referral_stats, referred_through
from models.status import status_history

FIELD_OPTIONS = [
    ("--company", "company", "company name"),
    ("--title", "title", "job title"),
    ("--phone", "phone", "phone number (stored as E.164; national numbers use default_region)"),
    ("--email", "email", "email address"),
    ("--zone", "zone", "IANA time zone (default: suggested from the phone number)"),
    ("--industry", "industry", f"one of: {', '.join(INDUSTRIES)}"),
    ("--source", "source", f"one of: {', '.join(SOURCES)}, or your own (callq source list)"),
    ("--cadence", "cadence_days", "days between touches the prospect agreed to (default 7)"),
    ("--channel", "channel", f"agreed channel: {', '.join(CHANNELS)}"),
    ("--window", "call_window", "call-window override, e.g. 'mon-fri 08:00-11:00'"),
]


def register(sub) -> None:
    lead = sub.add_parser("lead", help="add, show, edit and list leads")
    verbs = lead.add_subparsers(dest="verb", metavar="VERB", required=True)

    add = verbs.add_parser("add", help="add a lead (due for a first touch now)")
    add.add_argument("name", help="the person's name")
    _field_options(add)
    add.add_argument("--referred-by", type=int, metavar="ID", help="the lead who referred them")
    add.add_argument("--json", action="store_true", help="print the lead as JSON")
    add.set_defaults(handler=cmd_add)

    show = verbs.add_parser("show", help="show a lead with its notes and history")
    show.add_argument("id", type=int)
    show.add_argument("--json", action="store_true")
    show.set_defaults(handler=cmd_show)

    edit = verbs.add_parser("edit", help="change fields of a lead")
    edit.add_argument("id", type=int)
    edit.add_argument("--name")
    _field_options(edit)
    edit.add_argument(
        "--referred-by",
        type=referrer_arg,
        default=KEEP,
        metavar="ID",
        help="the lead who referred them ('none' clears it)",
    )
    edit.add_argument("--json", action="store_true")
    edit.set_defaults(handler=cmd_edit)

    ls = verbs.add_parser("list", help="list leads in id order")
    ls.add_argument("--status", help=f"only this status: {', '.join(STATUSES)}")
    ls.add_argument("--limit", type=int, default=50, help="at most this many (default 50)")
    ls.add_argument("--offset", type=int, default=0, help="skip this many first")
    ls.add_argument("--json", action="store_true", help="print a JSON array of leads")
    ls.set_defaults(handler=cmd_list)


def _field_options(parser) -> None:
    for flag, dest, text in FIELD_OPTIONS:
        parser.add_argument(flag, dest=dest, help=text)


def referrer_arg(text: str) -> int | None:
    """A lead id, or 'none' to clear the referrer."""
    if text.strip().lower() in ("none", "-"):
        return None
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a lead id (or 'none')") from None


def _given_fields(args, names) -> dict:
    return {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}


def new_lead_fields(args) -> dict:
    """The fields of a lead being added: its name and the field options given."""
    return {"name": args.name, **_given_fields(args, [d for _, d, _ in FIELD_OPTIONS])}


def cmd_add(ctx) -> int:
    args = ctx.args
    fields = new_lead_fields(args)
    ctx.open()
    lead = add_lead(
        fields,
        owner=ctx.rep,
        referred_by=args.referred_by,
        region=ctx.settings.default_region,
        sources=ctx.sources,
        now=ctx.now,
    )
    if args.json:
        ctx.emit_json(lead_as_dict(lead))
    else:
        print(
            f"added lead {lead.id}: {lead.name} ({lead.zone}), due {ctx.local(lead.next_touch_at)}"
        )
    return 0


def cmd_edit(ctx) -> int:
    args = ctx.args
    fields = _given_fields(args, ["name", *[d for _, d, _ in FIELD_OPTIONS]])
    ctx.open()
    referrer = {} if args.referred_by is KEEP else {"referred_by": args.referred_by}
    lead = edit_lead(
        args.id,
        fields,
        region=ctx.settings.default_region,
        sources=ctx.sources,
        now=ctx.now,
        **referrer,
    )
    if referrer:
        fields["referred_by"] = args.referred_by
    if args.json:
        ctx.emit_json(lead_as_dict(lead))
    else:
        print(f"updated lead {lead.id}: {', '.join(fields) or 'nothing changed'}")
    return 0


def cmd_show(ctx) -> int:
    ctx.open()
    lead = get_lead(ctx.args.id)
    notes, touches = notes_for(lead.id), touches_for(lead.id)
    if ctx.args.json:
        data = lead_as_dict(lead)
        data["notes"] = [note_as_dict(n) for n in notes]
        data["touches"] = [touch_as_dict(t) for t in touches]
        data["status_history"] = [change_as_dict(c) for c in status_history(lead.id)]
        data["referrals"] = referral_stats(lead.id).as_dict()
        ctx.emit_json(data)
        return 0
    print(f"#{lead.id} {lead.name} — {lead.title or 'no title'}, {lead.company or 'no company'}")
    rows = [
        ("phone", national(lead.phone) or lead.phone_raw or "-"),
        ("email", lead.email or "-"),
        ("zone", f"{lead.zone} (their time {ctx.now.in_timezone(lead.zone).format('ddd HH:mm')})"),
        ("industry", lead.industry),
        ("source", ctx.sources.get(lead.source, lead.source)),
        ("status", lead.status + (" (exhausted)" if lead.exhausted else "") + _closed(lead)),
        ("qualified", _checklist(lead)),
        ("likelihood", _likely(lead)),
        ("cadence", f"every {lead.cadence_days} days by {lead.channel}"),
        ("next touch", ctx.local(lead.next_touch_at)),
        ("attempts", str(lead.attempts)),
    ]
    if lead.referred_by_id is not None:
        rows.append(
            ("referrer", " ← ".join(f"#{r.id} {r.name}" for r in referred_through(lead.id)))
        )
    stats = referral_stats(lead.id)
    if stats.chain.leads:
        rows.extend(referral_rows(stats))
    if lead.variant:
        rows.append(("variant", lead.variant))
    for label, value in rows:
        print(f"  {label:<11}{value}")
    for note in notes:
        print(f"  [{note.kind}] {note.body}")
    for touch in touches:
        print(
            f"  {ctx.local(touch.started_at)}  {touch.channel:<5} {touch.outcome}"
            + (f" — {touch.note}" if touch.note else "")
        )
    return 0


def cmd_list(ctx) -> int:
    args = ctx.args
    ctx.open()
    leads, total = list_leads(status=args.status, limit=args.limit, offset=args.offset)
    if args.json:
        ctx.emit_json([lead_as_dict(lead) for lead in leads])
        return 0
    print(f"{'ID':>6}  {'NAME':<22} {'COMPANY':<24} {'PHONE':<18} {'ZONE':<20} {'STATUS':<9} NEXT")
    for lead in leads:
        print(
            f"{lead.id:>6}  {lead.name[:22]:<22} {lead.company[:24]:<24} "
            f"{national(lead.phone)[:18]:<18} {lead.zone[:20]:<20} {lead.status[:9]:<9} "
            f"{ctx.local(lead.next_touch_at)}"
        )
    shown = args.offset + len(leads)
    if shown < total:
        print(f"({len(leads)} of {total} shown; --limit and --offset page through the rest)")
    return 0


def _closed(lead) -> str:
    if lead.status == "customer" and lead.deal_value is not None:
        return f" (deal value {lead.deal_value:,.2f})"
    if lead.status == "lost" and lead.lost_reason:
        return f" ({lead.lost_reason})"
    return ""


def _checklist(lead) -> str:
    marks = {"yes": "✓", "no": "✗", "unknown": "?"}
    return " ".join(f"{key} {marks[getattr(lead, col)]}" for key, (col, _) in QUESTIONS.items())


def _likely(lead) -> str:
    likely = "-" if lead.likelihood is None else f"{lead.likelihood}%"
    return likely + (f" · buys {lead.purchase_timing}" if lead.purchase_timing else "")


def referral_rows(stats) -> list[tuple[str, str]]:
    """('referrals', '3 referred: 1 customer, 12,000.00') and, when the chain goes deeper,
    ('chain', '7 leads: 2 customers, 20,500.00')."""

    def customers(g) -> str:
        return f"{g.customers} customer{'s' if g.customers != 1 else ''}, {g.value:,.2f}"

    rows = [("referrals", f"{stats.direct.leads} referred: {customers(stats.direct)}")]
    if stats.chain.leads != stats.direct.leads:
        rows.append(("chain", f"{stats.chain.leads} leads: {customers(stats.chain)}"))
    return rows
