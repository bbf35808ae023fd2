"""``callq block start|pause|resume|stop|status|recover``, ``callq goals`` and ``callq plan``."""

from __future__ import annotations

import argparse
import re

from models.blocks import (
    BlockCrashed,
    BlockState,
    BlockSummary,
    block_state,
    block_summary,
    blocks_between,
    crashed_block,
    pause_block,
    recover_block,
    resume_block,
    start_block,
    state_of,
    stop_block,
)
from models.catalog import BLOCK_CATEGORIES
from models.clock import parse_instant
from models.days import day_span, wall_clock
from models.errors import CallqError
from models.goals import GOALS, GoalProgress, WeekSummary, goal_progress, set_goals, week_summary
from models.plans import (
    add_plan,
    describe,
    due_planned_block,
    list_plans,
    plan_as_dict,
    remove_plan,
)

RECOVER_HINT = "callq block recover resume (keeps going from now) or callq block recover end"
LABELS = {"research": "research", "calling": "calling", "follow_up": "follow-up"}


def register(sub) -> None:
    block = sub.add_parser("block", help="prospecting time blocks: research, calling, follow-up")
    verbs = block.add_subparsers(dest="verb", metavar="VERB", required=True)

    start = verbs.add_parser("start", help="start a block (one at a time)")
    start.add_argument("category", help=f"one of: {', '.join(BLOCK_CATEGORIES)}")
    start.add_argument(
        "--minutes",
        type=int,
        metavar="N",
        help="planned length (default: what is left of a due plan, else block_minutes)",
    )
    _at_option(start)
    start.add_argument("--json", action="store_true")
    start.set_defaults(handler=cmd_start)

    for verb, text, handler in (
        ("pause", "pause the running block (paused time is not counted)", cmd_pause),
        ("resume", "resume the paused block", cmd_resume),
        ("stop", "end the running block and show its summary", cmd_stop),
        ("status", "the running block, and a planned block that is due", cmd_status),
    ):
        parser = verbs.add_parser(verb, help=text)
        if verb != "status":
            _at_option(parser)
        parser.add_argument("--json", action="store_true")
        parser.set_defaults(handler=handler)

    ls = verbs.add_parser("list", help="the blocks of a day (default: today) with their summaries")
    ls.add_argument("--date", metavar="DATE", help="another day (YYYY-MM-DD)")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_list)

    recover = verbs.add_parser(
        "recover", help="after a crash: resume the block from now, or end it at its last heartbeat"
    )
    recover.add_argument("choice", choices=["resume", "end"])
    recover.add_argument("--json", action="store_true")
    recover.set_defaults(handler=cmd_recover)

    goals = sub.add_parser("goals", help="today against your daily goals, and this week's time")
    goals.add_argument("--week", metavar="DATE", help="show the week holding DATE (YYYY-MM-DD)")
    goals.add_argument("--json", action="store_true")
    goals.set_defaults(handler=cmd_goals)
    goal_verbs = goals.add_subparsers(dest="verb", metavar="VERB")
    goal_set = goal_verbs.add_parser(
        "set", help="set your own daily goals ('default' goes back to the settings)"
    )
    for name in GOALS:
        goal_set.add_argument(f"--{name.replace('_', '-')}", dest=name, type=_goal, metavar="N")
    goal_set.add_argument("--json", action="store_true")
    goal_set.set_defaults(handler=cmd_goals_set)

    plan = sub.add_parser("plan", help="recurring planned blocks, e.g. calling 09:00-10:30 mon-fri")
    plan_verbs = plan.add_subparsers(dest="verb", metavar="VERB", required=True)
    add = plan_verbs.add_parser("add", help="plan a recurring block")
    add.add_argument("category", help=f"one of: {', '.join(BLOCK_CATEGORIES)}")
    add.add_argument("span", help="local time span, e.g. 09:00-10:30")
    add.add_argument(
        "days", nargs="?", default="mon-fri", help="e.g. mon-fri (default), mon,wed,fri, daily"
    )
    add.add_argument("--json", action="store_true")
    add.set_defaults(handler=cmd_plan_add)
    ls = plan_verbs.add_parser("list", help="your planned blocks")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(handler=cmd_plan_list)
    rm = plan_verbs.add_parser("remove", help="stop planning a block (past weeks keep it)")
    rm.add_argument("id", type=int)
    rm.add_argument("--json", action="store_true")
    rm.set_defaults(handler=cmd_plan_remove)


def _at_option(parser) -> None:
    parser.add_argument(
        "--at",
        metavar="TIME",
        help="when it happened, if not now: HH:MM today in your zone, or an ISO date-time",
    )


def _when(ctx):
    """The instant a block command acts at: ``--at`` (not in the future), else the clock."""
    text = ctx.args.at
    if not text:
        return ctx.now
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", text.strip())
    if match and int(match[1]) < 24 and int(match[2]) < 60:
        today = ctx.now.in_timezone(ctx.zone)
        when = wall_clock(ctx.zone, today.date(), int(match[1]) * 60 + int(match[2]))
    else:
        when = parse_instant(text, zone=ctx.zone, what="--at")
    if when > ctx.now:
        raise CallqError(f"--at: {text} is in the future")
    return when


def _goal(text: str) -> int | str:
    if text.strip().lower() == "default":
        return "default"
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number or 'default'") from None


# --- blocks ----------------------------------------------------------------------------------


def cmd_start(ctx) -> int:
    args = ctx.args
    ctx.open()
    when = _when(ctx)
    due = None
    if args.minutes is None:
        due = due_planned_block(ctx.rep, now=when, settings=ctx.settings)
    try:
        block = start_block(ctx.rep, args.category, args.minutes, now=when, settings=ctx.settings)
    except BlockCrashed as exc:
        raise CallqError(f"{exc}: {RECOVER_HINT}") from None
    state = state_of(block, ctx.now)
    if args.json:
        ctx.emit_json(state.as_dict())
        return 0
    planned = f"planned {block.planned_minutes} min"
    if due is not None and due.category == block.category:
        planned += f" to {_at(ctx, due.end)} ({due.description})"
    print(f"started {_label(block.category)} block at {_at(ctx, block.started_at)}, {planned}")
    return 0


def cmd_pause(ctx) -> int:
    ctx.open()
    try:
        block = pause_block(ctx.rep, now=_when(ctx), settings=ctx.settings)
    except BlockCrashed as exc:
        raise CallqError(f"{exc}: {RECOVER_HINT}") from None
    return _show_state(ctx, state_of(block, ctx.now), "paused")


def cmd_resume(ctx) -> int:
    ctx.open()
    block = resume_block(ctx.rep, now=_when(ctx), settings=ctx.settings)
    return _show_state(ctx, state_of(block, ctx.now), "resumed")


def cmd_stop(ctx) -> int:
    ctx.open()
    summary = stop_block(ctx.rep, now=_when(ctx), settings=ctx.settings)
    return _show_summary(ctx, summary)


def cmd_recover(ctx) -> int:
    ctx.open()
    result = recover_block(ctx.rep, ctx.args.choice, now=ctx.now, settings=ctx.settings)
    if isinstance(result, BlockSummary):
        return _show_summary(ctx, result)
    return _show_state(ctx, state_of(result, ctx.now), "resumed")


def cmd_status(ctx) -> int:
    ctx.open()
    state = block_state(ctx.rep, now=ctx.now)
    due = due_planned_block(ctx.rep, now=ctx.now, settings=ctx.settings)
    if ctx.args.json:
        ctx.emit_json(
            {
                "block": None if state is None else state.as_dict(),
                "due_plan": None if due is None else due.as_dict(ctx.zone),
            }
        )
        return 0
    print(_describe_state(ctx, state) if state else "no block running")
    if due is not None:
        print(
            f"planned now: {due.description}, until {_at(ctx, due.end)}"
            f" — callq block start {due.category}"
        )
    return 0


def cmd_list(ctx) -> int:
    ctx.open()
    day = _local_date(ctx, ctx.args.date, "--date") if ctx.args.date else None
    day = day or ctx.now.in_timezone(ctx.zone).date()
    start, end = day_span(ctx.zone, day)
    summaries = [
        block_summary(block, now=ctx.now, settings=ctx.settings)
        for block in blocks_between(ctx.rep, start, end)
    ]
    if ctx.args.json:
        ctx.emit_json([{k: v for k, v in s.as_dict().items() if k != "today"} for s in summaries])
        return 0
    print(f"{day.format('ddd D MMM')} ({ctx.zone})")
    if not summaries:
        print("  no blocks")
    for summary in summaries:
        ended = _at(ctx, summary.ended_at) if summary.ended_at else "now"
        span = f"{_at(ctx, summary.started_at)}–{ended}"
        time = f"{summary.counted_seconds // 60}/{summary.planned_seconds // 60} min"
        if summary.over_seconds:
            time += f", over {summary.over_seconds // 60}"
        counts = summary.counts
        print(
            f"  {span:<13} {_label(summary.category):<10} {time:<20} calls {counts.calls}"
            f" · conv {counts.conversations} · meet {counts.meetings}"
        )
    return 0


def _local_date(ctx, text: str, what: str):
    """A date typed by the rep, read in their zone."""
    return parse_instant(text, zone=ctx.zone, what=what).in_timezone(ctx.zone).date()


def _show_state(ctx, state: BlockState, verb: str) -> int:
    if ctx.args.json:
        ctx.emit_json(state.as_dict())
    else:
        print(f"{verb}: {_describe_state(ctx, state)}")
    return 0


def _describe_state(ctx, state: BlockState) -> str:
    counted = f"{_clock(state.counted_seconds)} of {_clock(state.planned_seconds)} counted"
    text = f"{_label(state.category)} block, started {_at(ctx, state.started_at)}: {counted}"
    if state.over:
        text += f", over by {_minutes(state.over_seconds)}"
    elif not state.crashed:
        text += f", {_minutes(state.remaining_seconds)} left"
    if state.crashed:
        text += (
            f"; callq stopped running at {_at(ctx, state.crashed_at)} and nothing after"
            f" that is counted: {RECOVER_HINT}"
        )
    elif state.paused:
        text += f"; paused since {_at(ctx, state.paused_since)}"
    return text


def print_crashed_note(ctx) -> None:
    """After ``callq log`` while the rep's block has crashed: the touch is not counted in it."""
    state = crashed_block(ctx.rep, now=ctx.now)
    if state is None:
        return
    print(
        f"not in your {_label(state.category)} block: callq stopped timing it at"
        f" {_at(ctx, state.crashed_at)}"
    )
    print(f"  {RECOVER_HINT}")


def _show_summary(ctx, summary: BlockSummary) -> int:
    if ctx.args.json:
        ctx.emit_json(summary.as_dict())
        return 0
    ended = f"{_label(summary.category)} block at {_at(ctx, summary.ended_at)}"
    if summary.end_reason == "crashed":
        ended = f"ended {ended}, its last heartbeat"
    else:
        ended = f"stopped {ended}"
    line = (
        f"{ended}: {_minutes(summary.counted_seconds)} of "
        f"{_minutes(summary.planned_seconds)} planned"
    )
    if summary.over_seconds:
        line += f" (over by {_minutes(summary.over_seconds)})"
    print(line)
    left_out = []
    if summary.paused_seconds:
        left_out.append(f"{_minutes(summary.paused_seconds)} paused")
    if summary.not_running_seconds:
        left_out.append(f"{_minutes(summary.not_running_seconds)} while callq was not running")
    if left_out:
        print(f"  not counted: {', '.join(left_out)}")
    counts = summary.counts
    print(
        f"  touches {counts.touches} · calls {counts.calls} · conversations "
        f"{counts.conversations} · meetings {counts.meetings} · connect rate "
        f"{_percent(counts.connect_rate)}"
    )
    print(f"  today: {_per_category(summary.today_seconds)}")
    return 0


# --- goals -----------------------------------------------------------------------------------


def cmd_goals(ctx) -> int:
    ctx.open()
    week_of = _local_date(ctx, ctx.args.week, "--week") if ctx.args.week else None
    today = goal_progress(ctx.rep, now=ctx.now, settings=ctx.settings)
    week = week_summary(ctx.rep, now=ctx.now, settings=ctx.settings, week_of=week_of)
    if ctx.args.json:
        ctx.emit_json({"rep": ctx.rep.name, "today": today.as_dict(), "week": week.as_dict()})
        return 0
    _print_today(today)
    print()
    _print_week(week)
    return 0


def cmd_goals_set(ctx) -> int:
    args = ctx.args
    given = {name: getattr(args, name) for name in GOALS if getattr(args, name) is not None}
    if not given:
        raise CallqError(
            "goals set: give at least one of --calls, --conversations, --calling-minutes"
        )
    ctx.open()
    set_goals(ctx.rep, **{k: None if v == "default" else v for k, v in given.items()})
    today = goal_progress(ctx.rep, now=ctx.now, settings=ctx.settings)
    if args.json:
        ctx.emit_json(today.as_dict())
    else:
        _print_today(today)
    return 0


def _print_today(today: GoalProgress) -> None:
    print(f"Today, {today.day.format('ddd D MMM')} ({today.zone})")
    for name, progress in (
        ("calls", today.calls),
        ("conversations", today.conversations),
        ("calling minutes", today.calling_minutes),
    ):
        mark = "  met" if progress.met else ""
        done = int(progress.done)
        print(f"  {name:<16}{done:>5} / {progress.goal:<5} {_bar(progress.fraction)}{mark}")
    counts = today.counts
    print(f"  meetings {counts.meetings} · connect rate {_percent(counts.connect_rate)}")
    print(f"  time: {_per_category(today.seconds)}")


def _print_week(week: WeekSummary) -> None:
    end = week.start.add(days=6)
    print(f"Week of {week.start.format('ddd D MMM')} – {end.format('ddd D MMM')} (minutes)")
    header = "".join(f"{d.format('ddd'):>5}" for d, _ in week.days)
    print(f"  {'':<10}{header}  total planned on-plan")
    for name, cat in week.categories.items():
        cells = "".join(f"{seconds.get(name, 0) // 60:>5}" for _, seconds in week.days)
        print(
            f"  {_label(name):<10}{cells}  {cat.actual_seconds // 60:>5} "
            f"{cat.planned_seconds // 60:>7} {cat.on_plan_seconds // 60:>7}"
        )
    counts = week.counts
    print(
        f"  calls {counts.calls} · conversations {counts.conversations} · meetings "
        f"{counts.meetings} · connect rate {_percent(counts.connect_rate)}"
    )
    if not week.planned:
        print("  no planned blocks (callq plan add calling 09:00-10:30 mon-fri)")
        return
    print(f"  kept to plan: {_percent(week.adherence)} of the planned time so far")
    begun = [day for day in week.planned if day.status != "upcoming"]
    for day in begun:
        occ = day.occurrence
        when = f"{occ.day.format('ddd')} {occ.start.in_timezone(week.zone).format('HH:mm')}"
        print(
            f"    {when} {_label(occ.category):<10} {day.on_plan_seconds // 60:>3} of "
            f"{occ.planned_seconds // 60:>3} min  {day.status.replace('_', ' ')}"
        )
    if len(begun) < len(week.planned):
        print(f"    and {len(week.planned) - len(begun)} planned blocks still to come")


# --- plans -----------------------------------------------------------------------------------


def cmd_plan_add(ctx) -> int:
    ctx.open()
    plan = add_plan(ctx.rep, ctx.args.category, ctx.args.span, ctx.args.days, now=ctx.now)
    if ctx.args.json:
        ctx.emit_json(plan_as_dict(plan))
    else:
        print(f"planned {plan.id}: {describe(plan)} ({ctx.zone})")
    return 0


def cmd_plan_list(ctx) -> int:
    ctx.open()
    plans = list_plans(ctx.rep)
    if ctx.args.json:
        ctx.emit_json([plan_as_dict(plan) for plan in plans])
        return 0
    if not plans:
        print("no planned blocks (callq plan add calling 09:00-10:30 mon-fri)")
    for plan in plans:
        print(f"{plan.id:>4}  {describe(plan)}")
    return 0


def cmd_plan_remove(ctx) -> int:
    ctx.open()
    plan = remove_plan(ctx.rep, ctx.args.id, now=ctx.now)
    if ctx.args.json:
        ctx.emit_json(plan_as_dict(plan))
    else:
        print(f"removed plan {plan.id}: {describe(plan)}")
    return 0


# --- formatting ------------------------------------------------------------------------------


def _at(ctx, instant) -> str:
    """An instant as the rep reads it: "09:41", or "Mon 23 Nov 09:41" when not today."""
    local = instant.in_timezone(ctx.zone)
    if local.date() == ctx.now.in_timezone(ctx.zone).date():
        return local.format("HH:mm")
    return local.format("ddd D MMM HH:mm")


def _label(category: str) -> str:
    return LABELS.get(category, category)


def _clock(seconds: int) -> str:
    hours, rest = divmod(int(seconds), 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60}:{rest % 60:02d}"


def _minutes(seconds: int) -> str:
    minutes = int(seconds) // 60
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if hours else f"{rest} min"


def _percent(share: float | None) -> str:
    return "-" if share is None else f"{share:.0%}"


def _per_category(seconds: dict[str, int]) -> str:
    return " · ".join(f"{_label(name)} {_minutes(value)}" for name, value in seconds.items())


def _bar(fraction: float, width: int = 20) -> str:
    filled = round(fraction * width)
    return "█" * filled + "░" * (width - filled)
