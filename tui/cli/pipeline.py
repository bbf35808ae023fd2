"""``callq qualify ID ...`` and ``callq status ID [STATUS]``: the pipeline lead → prospect →
customer (or lost)."""

from __future__ import annotations

from models.catalog import STATUSES
from models.errors import CallqError
from models.leads import get_lead, money
from models.pipeline import KEEP, QUESTIONS, change_as_dict, checklist, qualify, set_status
from models.status import status_history

from ._text import wrap
from .referrals import print_referral_prompt


def register(sub) -> None:
    q = sub.add_parser(
        "qualify",
        help="answer the five qualifying questions; a lead that passes becomes a prospect",
        description="Record a lead's qualification. Answers are yes, no or unknown (y, n, ?). "
        "With no options, shows the checklist. A lead becomes a prospect by itself when the "
        "promotion rule passes (default: all five yes; settings qualify_required and "
        "qualify_min_likelihood), or by --promote.",
    )
    q.add_argument("id", type=int, help="lead id")
    for key, (_, question) in QUESTIONS.items():
        q.add_argument(f"--{key}", metavar="ANSWER", help=question)
    q.add_argument("--likelihood", metavar="N", help="likelihood of buying, 0 to 100 ('none')")
    q.add_argument("--timing", metavar="TEXT", help="when they would buy, e.g. 'Q1 2027'")
    choice = q.add_mutually_exclusive_group()
    choice.add_argument(
        "--promote",
        dest="promote",
        action="store_const",
        const=True,
        help="make it a prospect now, whatever the answers",
    )
    choice.add_argument(
        "--keep-lead",
        dest="promote",
        action="store_const",
        const=False,
        help="do not promote it, even if the checklist passes",
    )
    q.add_argument("--json", action="store_true")
    q.set_defaults(handler=cmd_qualify, promote=None)

    st = sub.add_parser(
        "status",
        help="show a lead's status history, or move it (customer --value, lost --reason)",
        description="With only an id: the status and its history. With a status: move the "
        "lead. A customer needs --value (the deal value), lost needs --reason.",
    )
    st.add_argument("id", type=int, help="lead id")
    st.add_argument("status", nargs="?", metavar="STATUS", help=f"one of: {', '.join(STATUSES)}")
    st.add_argument("--value", metavar="AMOUNT", help="the deal value (customer)")
    st.add_argument("--reason", default="", help="why (required for lost)")
    st.add_argument("--json", action="store_true")
    st.set_defaults(handler=cmd_status)


def cmd_qualify(ctx) -> int:
    args = ctx.args
    answers = {key: getattr(args, key) for key in QUESTIONS if getattr(args, key) is not None}
    likelihood = KEEP if args.likelihood is None else args.likelihood
    timing = KEEP if args.timing is None else args.timing
    rule = ctx.promotion_rule
    ctx.open()
    if answers or likelihood is not KEEP or timing is not KEEP or args.promote is not None:
        result = qualify(
            args.id,
            answers,
            likelihood=likelihood,
            timing=timing,
            promote=args.promote,
            rule=rule,
            rep=ctx.rep,
            now=ctx.now,
        )
    else:
        result = checklist(get_lead(args.id), rule)
    if args.json:
        ctx.emit_json(result.as_dict())
        return 0
    lead = result.lead
    print(f"#{lead.id} {lead.name}: {lead.status}")
    marks = {"yes": "yes", "no": "no", "unknown": "?"}
    for key, (column, question) in QUESTIONS.items():
        print(f"  {key:<13}{marks[getattr(lead, column)]:<5}{question}")
    likely = "-" if lead.likelihood is None else f"{lead.likelihood}%"
    print(f"  {'likelihood':<13}{likely}")
    print(f"  {'timing':<13}{lead.purchase_timing or '-'}")
    if result.change is not None:
        print(wrap(f"now a {result.change.to_status}: {result.change.reason}", "", "  "))
    elif lead.status == "lead" and not result.passes:
        print(
            wrap(f"not yet a prospect: {'; '.join(result.unmet)} (--promote to choose)", "", "  ")
        )
    elif lead.status == "prospect" and not result.passes:
        print(
            wrap(
                f"a prospect that no longer passes: {'; '.join(result.unmet)}"
                f" (callq status {lead.id} lead to move it back)",
                "",
                "  ",
            )
        )
    return 0


def cmd_status(ctx) -> int:
    args = ctx.args
    ctx.open()
    if args.status is None:
        if args.value is not None or args.reason:
            raise CallqError("give the status to move to, e.g. customer --value 12000")
        return _show_history(ctx, get_lead(args.id))
    move = set_status(
        args.id, args.status, value=args.value, reason=args.reason, rep=ctx.rep, now=ctx.now
    )
    if args.json:
        ctx.emit_json(move.as_dict())
        return 0
    lead = move.lead
    if move.change is not None:
        print(f"#{lead.id} {lead.name}: {move.change.from_status} → {move.change.to_status}")
    elif move.updated:
        print(f"#{lead.id} {lead.name}: still {lead.status}; updated {', '.join(move.updated)}")
    else:
        print(f"#{lead.id} {lead.name}: already {lead.status}")
    if lead.status == "customer" and lead.deal_value is not None:
        print(f"  deal value {lead.deal_value:,.2f}")
    if move.ask_referral:
        print_referral_prompt(lead)
    return 0


def _show_history(ctx, lead) -> int:
    history = status_history(lead.id)
    if ctx.args.json:
        ctx.emit_json(
            {
                "lead": lead.id,
                "status": lead.status,
                "deal_value": money(lead.deal_value),
                "lost_reason": lead.lost_reason,
                "history": [change_as_dict(c) for c in history],
            }
        )
        return 0
    print(f"#{lead.id} {lead.name}: {lead.status}")
    for change in history:
        who = f" by {change.rep.name}" if change.rep_id else ""
        why = f" — {change.reason}" if change.reason else ""
        print(
            f"  {ctx.local(change.changed_at)}  {change.from_status} → {change.to_status}{who}{why}"
        )
    if not history:
        print("  no status changes yet")
    return 0
