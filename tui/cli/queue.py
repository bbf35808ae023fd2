"""``callq queue``, ``callq log``, ``callq undo`` and ``callq backlog``."""

from __future__ import annotations

import shutil
import sys

from models.backlog import spread_backlog
from models.catalog import CHANNELS
from models.leads import get_lead, iso
from models.outcomes import load_rules, log_outcome, undo_last_touch
from models.queue import queue_view

from ._text import columns, wrap
from .blocks import print_crashed_note
from .referrals import print_referral_prompt


def register(sub) -> None:
    queue = sub.add_parser(
        "queue",
        help="today's queue in order: who to call now, who later, and why",
        description="Today's queue: promised callbacks, then overdue and callable, then "
        "callable, then due later today (with when each becomes callable).",
    )
    queue.add_argument(
        "--all", action="store_true", help="also leads due after today and exhausted leads"
    )
    queue.add_argument("--limit", type=int, default=None, help="at most this many entries")
    queue.add_argument("--json", action="store_true", help="print a JSON array of entries")
    queue.set_defaults(handler=cmd_queue)

    outcomes = ", ".join(load_rules())
    log = sub.add_parser(
        "log",
        help="record a touch on a lead; prints the scheduled next touch first",
        description=f"Record a touch. Outcomes: {outcomes}.",
    )
    log.add_argument("id", type=int, help="lead id")
    log.add_argument("outcome", help=f"one of: {outcomes}")
    log.add_argument(
        "--at",
        metavar="WHEN",
        help="the time they gave: ISO, 'tomorrow 10:30', 'fri 9am', '+3d' (needed for callback)",
    )
    log.add_argument(
        "--at-zone",
        choices=("lead", "rep"),
        default="lead",
        help="read --at on the prospect's clock (lead, the default) or yours (rep)",
    )
    log.add_argument("--note", default="", metavar="TEXT", help="a note on this touch")
    log.add_argument(
        "--variant",
        metavar="NAME",
        help="the introduction/offer variant used (default: the rotation's pick, if any)",
    )
    log.add_argument(
        "--benefit", type=int, metavar="ID", help="the library's benefit statement used"
    )
    log.add_argument("--channel", help=f"how: {', '.join(CHANNELS)} (default: the lead's)")
    log.add_argument("--json", action="store_true")
    log.set_defaults(handler=cmd_log)

    undo = sub.add_parser("undo", help="take back your last logged outcome, exactly")
    undo.add_argument("--json", action="store_true")
    undo.set_defaults(handler=cmd_undo)

    backlog = sub.add_parser(
        "backlog",
        help="spread overdue leads evenly over the next working days",
        description="Give each overdue lead (not promised callbacks) a new next touch on one "
        "of the next N working days (Mon-Fri, today included), best-scored first.",
    )
    backlog.add_argument("--days", type=int, required=True, help="working days to spread over")
    backlog.add_argument("--dry-run", action="store_true", help="show the plan; change nothing")
    backlog.add_argument("--json", action="store_true")
    backlog.set_defaults(handler=cmd_backlog)


def cmd_queue(ctx) -> int:
    args = ctx.args
    ctx.open()
    view = queue_view(ctx.rep, now=ctx.now, settings=ctx.settings, include_all=args.all)
    entries = view.page(0, args.limit)
    if args.json:
        ctx.emit_json([entry.as_dict() for entry in entries])
        return 0
    counts = view.counts()
    here = ctx.now.in_timezone(ctx.zone).format("ddd D MMM HH:mm")
    width = shutil.get_terminal_size().columns if sys.stdout.isatty() else None
    exhausted = f" · {counts.exhausted} exhausted" if counts.exhausted else ""
    print(
        _fit(
            f"{ctx.rep.name} · {here} {ctx.zone} · {counts.callable_now} callable now · "
            f"{counts.later} later today{exhausted}",
            width,
        )
    )
    if not entries:
        print("Nothing due today." + ("" if args.all else " (--all shows upcoming leads)"))
        return 0
    wide = width is None or width >= 110
    company = f" {'COMPANY':<18}" if wide else ""
    print(
        _fit(f"{'ID':>6}  {'NAME':<18}{company} {'THEIRS':<9} {'TRY':>3} {'CALL':<10} WHY", width)
    )
    for entry in entries:
        call = ("now" if entry.callable_now else _when(entry)) + _channel_mark(entry)
        company = f" {entry.company[:18]:<18}" if wide else ""
        line = (
            f"{entry.lead_id:>6}  {entry.name[:18]:<18}{company} {entry.local_time_text:<9} "
            f"{entry.attempts:>3} {call:<10} {entry.why}"
        )
        print(_fit(line, width))
    if counts.exhausted and not args.all:
        print(f"{counts.exhausted} lead(s) exhausted their attempts: callq queue --all lists them")
    return 0


def _fit(line: str, width: int | None) -> str:
    """The line cut to the terminal's width (with an ellipsis); whole when piped."""
    if width is None or len(line) <= width:
        return line
    return line[: max(1, width - 1)] + "…"


def _channel_mark(entry) -> str:
    return "" if entry.channel == "call" else f"·{entry.channel}"


def _when(entry) -> str:
    if entry.group == "exhausted":
        return "exhausted"
    found = entry.callable_from_rep()
    if found is None:
        return "-"
    return found.format("ddd HH:mm") if entry.group == "upcoming" else found.format("HH:mm")


def cmd_log(ctx) -> int:
    args = ctx.args
    ctx.open()
    result = log_outcome(
        args.id,
        args.outcome,
        rep=ctx.rep,
        now=ctx.now,
        at=args.at,
        at_zone=args.at_zone,
        note=args.note,
        variant=args.variant,
        benefit=args.benefit,
        channel=args.channel,
        settings=ctx.settings,
    )
    plan = result.plan
    if args.json:
        ctx.emit_json(
            {
                "touch": result.touch_id,
                "lead": plan.lead_id,
                "outcome": plan.outcome,
                "next_touch_at": iso(plan.next_touch_at),
                "next_touch_fixed": plan.fixed,
                "channel": plan.channel,
                "attempts": plan.attempts,
                "exhausted": plan.exhausted,
                "status": plan.status,
                "ask_referral": plan.ask_referral,
                "reason": plan.reason,
                "block": result.block_id,
                "crashed_block": result.crashed_block_id,
                "variant": result.variant,
                "benefit": result.benefit_id,
            }
        )
        return 0
    _print_next_touch(plan)
    cap = ctx.settings.attempt_cap
    tries = f"attempt {plan.attempts} of {cap}" if plan.attempts else "attempts reset"
    status = f"; status now {plan.status}" if plan.status_changed else ""
    print(
        f"logged {plan.outcome} on lead {plan.lead_id} (touch {result.touch_id}): {tries}{status}"
    )
    if plan.exhausted:
        print("exhausted: out of the queue until you recycle the lead or mark it lost")
    if result.crashed_block_id is not None:
        print_crashed_note(ctx)
    if plan.ask_referral:
        print_referral_prompt(get_lead(plan.lead_id))
    return 0


def _print_next_touch(plan) -> None:
    """When and how, then why: on one line when it fits the terminal, else why on the next."""
    head = f"next touch: {plan.next_touch_text()}"
    if len(head) + 3 + len(plan.reason) <= columns():
        print(f"{head} — {plan.reason}")
    else:
        print(head)
        print(wrap(plan.reason, " " * len("next touch: ")))


def cmd_undo(ctx) -> int:
    ctx.open()
    undone = undo_last_touch(ctx.rep, now=ctx.now)
    if ctx.args.json:
        ctx.emit_json(
            {
                "lead": undone.lead_id,
                "touch": undone.touch_id,
                "outcome": undone.outcome,
                "next_touch_at": iso(undone.next_touch_at),
            }
        )
    else:
        print(
            f"undid {undone.outcome} on lead {undone.lead_id} (touch {undone.touch_id}); "
            f"next touch back to {ctx.local(undone.next_touch_at)}"
        )
    return 0


def cmd_backlog(ctx) -> int:
    args = ctx.args
    ctx.open()
    plan = spread_backlog(
        ctx.rep, days=args.days, now=ctx.now, settings=ctx.settings, apply=not args.dry_run
    )
    if args.json:
        ctx.emit_json(
            {
                "applied": plan.applied,
                "moved": plan.moved,
                "days": [{"date": day.isoformat(), "leads": n} for day, n in plan.days],
            }
        )
        return 0
    verb = "moved" if plan.applied else "would move"
    print(f"{verb} {plan.moved} overdue lead(s) over {len(plan.days)} working day(s):")
    for day, n in plan.days:
        print(f"  {day.strftime('%a %d %b')}  {n}")
    return 0
