"""``callq referral ID [add NAME ... | ask RESULT]``: the endless chain from the shell."""

from __future__ import annotations

from models.leads import get_lead, lead_as_dict
from models.referrals import (
    ASK_RESULTS,
    add_referral,
    ask_as_dict,
    asks_for,
    record_ask,
    referral_chain,
    referral_stats,
)

from ._text import wrap
from .leads import _field_options, new_lead_fields, referral_rows


def register(sub) -> None:
    ref = sub.add_parser(
        "referral",
        help="a lead's referrals: what its chain is worth, add a referred lead, record an ask",
        description="With only an id: how many leads this lead referred, how many became "
        "customers and their value, directly and down the chain. 'add' creates a referred "
        "lead already linked; 'ask' records whether you asked for a referral and got one.",
    )
    ref.add_argument("id", type=int, help="the referring lead's id")
    ref.add_argument("--json", action="store_true")
    ref.set_defaults(handler=cmd_show)
    verbs = ref.add_subparsers(dest="verb", metavar="VERB")

    add = verbs.add_parser("add", help="add the lead they referred (linked, due now)")
    add.add_argument("name", help="the referred person's name")
    _field_options(add)
    add.add_argument("--touch", type=int, metavar="ID", help="the touch where they gave it")
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=cmd_add)

    ask = verbs.add_parser("ask", help="record whether you asked for a referral")
    ask.add_argument("result", choices=list(ASK_RESULTS), help="obtained, declined or skipped")
    ask.add_argument("--touch", type=int, metavar="ID", help="the touch it belongs to")
    ask.add_argument("--json", action="store_true")
    ask.set_defaults(handler=cmd_ask)


def print_referral_prompt(lead) -> None:
    """The endless chain's nudge, printed after a good conversation or a new customer."""
    print(wrap(f"Ask {lead.name} for a referral — who else would benefit?", "", "  "))
    command = f"callq referral {lead.id}"
    print(f"  {command} add NAME --phone …    (they gave one)")
    print(f"  {command} ask declined|skipped  (none given / not asked)")


def cmd_show(ctx) -> int:
    ctx.open()
    stats = referral_stats(ctx.args.id)
    chain = referral_chain(ctx.args.id)
    asks = asks_for(ctx.args.id)
    if ctx.args.json:
        data = stats.as_dict()
        data["chain_leads"] = [
            {
                "id": lead.id,
                "name": lead.name,
                "status": lead.status,
                "referred_by": lead.referred_by_id,
                "generation": generation,
                "deal_value": lead_as_dict(lead)["deal_value"],
            }
            for lead, generation in chain
        ]
        data["ask_history"] = [ask_as_dict(a) for a in asks]
        ctx.emit_json(data)
        return 0
    lead = stats.lead
    print(f"#{lead.id} {lead.name} ({lead.status})")
    asked = sum(n for result, n in stats.asks.items() if result != "skipped")
    rows = [
        *referral_rows(stats),
        (
            "asks",
            f"{asked} asked, {stats.asks['obtained']} obtained, {stats.asks['skipped']} not asked",
        ),
    ]
    for label, text in rows:
        print(f"  {label:<11}{text}")
    for lead_in_chain, generation in chain:
        value = ""
        if lead_in_chain.status == "customer" and lead_in_chain.deal_value is not None:
            value = f"  {lead_in_chain.deal_value:,.2f}"
        print(
            f"  {'  ' * generation}#{lead_in_chain.id} {lead_in_chain.name}"
            f" ({lead_in_chain.status}){value}"
        )
    if len(chain) < stats.chain.leads:
        print(f"  (the first {len(chain)} of {stats.chain.leads} in the chain)")
    return 0


def cmd_add(ctx) -> int:
    args = ctx.args
    ctx.open()
    lead = add_referral(
        args.id,
        new_lead_fields(args),
        owner=ctx.rep,
        touch_id=args.touch,
        region=ctx.settings.default_region,
        sources=ctx.sources,
        now=ctx.now,
    )
    if args.json:
        ctx.emit_json(lead_as_dict(lead))
    else:
        referrer = get_lead(args.id)
        print(
            f"added lead {lead.id}: {lead.name}, referred by #{referrer.id} {referrer.name}"
            f" ({lead.source}), due {ctx.local(lead.next_touch_at)}"
        )
    return 0


def cmd_ask(ctx) -> int:
    args = ctx.args
    ctx.open()
    ask = record_ask(args.id, args.result, touch_id=args.touch, rep=ctx.rep, now=ctx.now)
    if args.json:
        ctx.emit_json(ask_as_dict(ask))
    else:
        lead = get_lead(args.id)
        print(f"#{lead.id} {lead.name}: {ASK_RESULTS[ask.result]}")
    return 0
