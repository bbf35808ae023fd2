"""``callq lead add|show|edit|list``."""

from __future__ import annotations

from models.catalog import CHANNELS, INDUSTRIES, SOURCES, STATUSES
from models.leads import (
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

FIELD_OPTIONS = [
    ("--company", "company", "company name"),
    ("--title", "title", "job title"),
    ("--phone", "phone", "phone number (stored as E.164; national numbers use default_region)"),
    ("--email", "email", "email address"),
    ("--zone", "zone", "IANA time zone (default: suggested from the phone number)"),
    ("--industry", "industry", f"one of: {', '.join(INDUSTRIES)}"),
    ("--source", "source", f"one of: {', '.join(SOURCES)}"),
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


def _given_fields(args, names) -> dict:
    return {name: getattr(args, name) for name in names if getattr(args, name, None) is not None}


def cmd_add(ctx) -> int:
    args = ctx.args
    fields = {"name": args.name, **_given_fields(args, [d for _, d, _ in FIELD_OPTIONS])}
    ctx.open()
    lead = add_lead(
        fields,
        owner=ctx.rep,
        referred_by=args.referred_by,
        region=ctx.settings.default_region,
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
    lead = edit_lead(args.id, fields, region=ctx.settings.default_region, now=ctx.now)
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
        ctx.emit_json(data)
        return 0
    print(f"#{lead.id} {lead.name} — {lead.title or 'no title'}, {lead.company or 'no company'}")
    rows = [
        ("phone", national(lead.phone) or lead.phone_raw or "-"),
        ("email", lead.email or "-"),
        ("zone", f"{lead.zone} (their time {ctx.now.in_timezone(lead.zone).format('ddd HH:mm')})"),
        ("industry", lead.industry),
        ("source", lead.source),
        ("status", lead.status + (" (exhausted)" if lead.exhausted else "")),
        ("cadence", f"every {lead.cadence_days} days by {lead.channel}"),
        ("next touch", ctx.local(lead.next_touch_at)),
        ("attempts", str(lead.attempts)),
    ]
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
