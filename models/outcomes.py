"""Outcomes: log a touch, schedule the next one by the rules, and undo the last.

The rules ship in ``outcomes.toml`` beside this module; a user file of the same name in the config
directory replaces fields outcome by outcome and may add outcomes. Each rule says the next touch
(a delay, the prospect's cadence, a date the rep must ask for, or none), whether the touch is an
unanswered attempt or a conversation, any status change, and whether to ask for a referral.

Tenacity: an unanswered attempt never drops a lead; after ``attempt_cap`` of them since the last
conversation the lead is *exhausted* (out of the queue, clearly marked). Attempts are spaced at
least ``attempt_gap_minutes`` apart and rotated across the hours of the prospect's day. A time
the prospect gave (``at``) is kept exactly; a pending callback survives a missed early call.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import json
import re
from dataclasses import dataclass
from pathlib import Path

import pendulum

from . import clock
from .benefits import check_benefit
from .blocks import is_crashed, is_live, running_block
from .catalog import CHANNELS, STATUSES, check_choice
from .db import write_transaction
from .errors import CallqError, NotFound
from .fields import to_db
from .leads import get_lead
from .reps import rep_zone
from .rulefiles import file_stamp, read_layers, user_file
from .schema import Lead, Rep, StatusChange, Touch
from .settings import Settings, load_settings
from .status import change_status
from .variants import release_variant, variant_for_touch
from .when import parse_when
from .windows import is_open, next_open, window_for

NEXT_KINDS = ("delay", "cadence", "ask", "none")
LEAD_ZONE, REP_ZONE = "lead", "rep"
_DURATION = re.compile(r"(\d+)\s*(w|d|h|m)")
_UNITS = {"w": "weeks", "d": "days", "h": "hours", "m": "minutes"}
# The lead's fields an outcome changes, saved on the touch so undo restores them exactly.
UNDO_FIELDS = (
    "status",
    "next_touch_at",
    "next_touch_fixed",
    "attempts",
    "exhausted",
    "last_contacted_at",
    "updated_at",
    "lost_reason",
    "variant",
)


@dataclass(frozen=True)
class OutcomeRule:
    """What one outcome does to a lead."""

    name: str
    label: str
    next: str = "delay"  # one of NEXT_KINDS
    delay: str | None = None
    attempt: bool = False
    conversation: bool = False
    status: str | None = None
    ask_referral: bool = False

    @property
    def needs_date(self) -> bool:
        return self.next == "ask"

    def delay_delta(self) -> dt.timedelta:
        return parse_duration(self.delay or "1d", f"outcomes.{self.name}.delay")


def parse_duration(text: str, where: str = "duration") -> dt.timedelta:
    """``"2h"``, ``"1d"``, ``"1d 4h"``, ``"1w"``, ``"90m"`` as a timedelta."""
    body = str(text).strip().lower()
    parts = _DURATION.findall(body)
    if not parts or _DURATION.sub("", body).strip():
        raise CallqError(f"{where}: {text!r} is not a duration like 2h, 1d, 3d or 1d 4h")
    delta = dt.timedelta()
    for number, unit in parts:
        delta += dt.timedelta(**{_UNITS[unit]: int(number)})
    return delta


# ---------------------------------------------------------------------------------------------
# The rule table


def user_outcomes_path() -> Path:
    """The user's own outcome rules."""
    return user_file("outcomes.toml")


def load_rules(path: Path | None = None) -> dict[str, OutcomeRule]:
    """The outcome rules in force: shipped defaults with the user's file laid over, in order."""
    path = path or user_outcomes_path()
    return _load_rules(str(path), file_stamp(path))


@functools.lru_cache(maxsize=8)
def _load_rules(path: str, stamp: int | None) -> dict[str, OutcomeRule]:
    raw: dict[str, dict] = {}
    layers = read_layers("outcomes.toml", path, stamp, "outcome rules")
    for data, where in layers:
        _merge_rules(raw, data, where)
    return {name: _rule(name, body, layers[-1][1]) for name, body in raw.items()}


def _merge_rules(raw: dict, data: dict, where: str) -> None:
    extra = set(data) - {"outcomes"}
    if extra:
        raise CallqError(f"{where}: unknown table {sorted(extra)[0]!r} (expected [outcomes.NAME])")
    for name, body in (data.get("outcomes") or {}).items():
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise CallqError(f"{where}: outcomes.{name}: names are lower_case_words")
        if not isinstance(body, dict):
            raise CallqError(f"{where}: outcomes.{name}: expected a table of fields")
        raw.setdefault(name, {}).update(body)


def _rule(name: str, body: dict, where: str) -> OutcomeRule:
    known = {f.name for f in dataclasses.fields(OutcomeRule)} - {"name"}
    for key, value in body.items():
        if key not in known:
            raise CallqError(f"{where}: outcomes.{name}: unknown field {key!r}")
        expected = bool if key in ("attempt", "conversation", "ask_referral") else str
        if not isinstance(value, expected):
            kind = "true or false" if expected is bool else "text"
            raise CallqError(f"{where}: outcomes.{name}.{key}: give {kind}, not {value!r}")
    values = {k: v for k, v in body.items() if k != "label"}
    rule = OutcomeRule(name=name, label=body.get("label", name.replace("_", " ")), **values)
    if rule.next not in NEXT_KINDS:
        raise CallqError(
            f"{where}: outcomes.{name}.next: {rule.next!r} is not one of {', '.join(NEXT_KINDS)}"
        )
    if rule.next == "delay":
        parse_duration(rule.delay or "", f"{where}: outcomes.{name}.delay")
    if rule.status is not None and rule.status not in STATUSES:
        raise CallqError(
            f"{where}: outcomes.{name}.status: {rule.status!r} is not one of {', '.join(STATUSES)}"
        )
    if rule.attempt and rule.conversation:
        raise CallqError(f"{where}: outcomes.{name}: an attempt cannot also be a conversation")
    return rule


def get_rule(outcome: str, rules: dict[str, OutcomeRule] | None = None) -> OutcomeRule:
    """The rule for ``outcome`` (``no-answer`` and ``No Answer`` work too)."""
    rules = rules or load_rules()
    key = str(outcome).strip().lower().replace("-", "_").replace(" ", "_")
    if key not in rules:
        raise CallqError(f"unknown outcome {outcome!r}; choose one of: {', '.join(rules)}")
    return rules[key]


# ---------------------------------------------------------------------------------------------
# Planning the next touch (the same code previews and logs)


@dataclass(frozen=True)
class PlannedTouch:
    """What logging an outcome will do (or did): the next touch and the lead's new state."""

    lead_id: int
    outcome: str
    label: str
    next_touch_at: pendulum.DateTime | None  # UTC; None: no next touch (lead leaves the queue)
    fixed: bool  # a time the prospect gave, kept exactly
    channel: str  # the next touch's channel
    attempts: int  # unanswered attempts since the last conversation, after this touch
    exhausted: bool
    status: str  # the lead's status after this touch
    status_changed: bool
    ask_referral: bool
    reason: str  # one line: why the next touch is when it is
    lead_zone: str
    rep_zone: str

    def next_touch_text(self) -> str:
        """The next touch as both people read it: "Tue 24 Nov 10:00 theirs (09:00 yours)"."""
        if self.next_touch_at is None:
            return "none"
        theirs = self.next_touch_at.in_timezone(self.lead_zone).format("ddd D MMM HH:mm")
        yours = self.next_touch_at.in_timezone(self.rep_zone).format("ddd HH:mm")
        return f"{theirs} theirs ({yours} yours) by {self.channel}"


@dataclass(frozen=True)
class LogResult:
    """A logged touch: the plan it carried out, the touch's id and its time block."""

    plan: PlannedTouch
    touch_id: int
    block_id: int | None
    variant: str | None = None  # the introduction/offer variant the touch recorded
    benefit_id: int | None = None  # the benefit statement the touch recorded
    # The rep's running block that lost its heartbeat: the touch is not counted in it.
    crashed_block_id: int | None = None

    @property
    def next_touch_at(self) -> pendulum.DateTime | None:
        return self.plan.next_touch_at

    @property
    def ask_referral(self) -> bool:
        return self.plan.ask_referral

    @property
    def exhausted(self) -> bool:
        return self.plan.exhausted


def preview_outcome(
    lead_id: int,
    outcome: str,
    *,
    rep: Rep | None,
    now: dt.datetime | None = None,
    at: str | dt.datetime | None = None,
    at_zone: str = LEAD_ZONE,
    settings: Settings | None = None,
) -> PlannedTouch:
    """What :func:`log_outcome` would schedule, without writing anything (the screen shows it
    before the rep confirms). Raises :class:`CallqError` exactly where logging would."""
    now = clock.resolve(now)
    settings = settings or load_settings()
    lead = get_lead(lead_id)
    return _plan(lead, get_rule(outcome), rep, now, at, at_zone, settings)


def _plan(
    lead: Lead,
    rule: OutcomeRule,
    rep: Rep | None,
    now: pendulum.DateTime,
    at,
    at_zone: str,
    settings: Settings,
) -> PlannedTouch:
    if lead.status == "do_not_contact":
        raise CallqError(
            f"lead {lead.id} ({lead.name}) is on the do-not-contact list; nothing logged"
        )
    zone_of_rep = rep_zone(rep, settings.rep_zone)
    given = _given_time(at, at_zone, lead, zone_of_rep, now)
    attempts = 0 if rule.conversation else lead.attempts + (1 if rule.attempt else 0)
    exhausted = False if rule.conversation else lead.exhausted
    if rule.attempt and attempts >= settings.attempt_cap:
        exhausted = True
    status = rule.status or lead.status
    channel = lead.channel
    fixed = False
    when: pendulum.DateTime | None
    window = window_for(lead.industry, lead.call_window)
    pending = lead.next_touch_fixed and lead.next_touch_at is not None and lead.next_touch_at > now
    if status in ("lost", "do_not_contact") or rule.next == "none":
        when, reason = None, f"{rule.label.lower()}: no next touch; the lead leaves the queue"
    elif given is not None:
        when, fixed = given, True
        reason = "at the time they gave, kept exactly"
    elif rule.needs_date:
        raise CallqError(
            f"{rule.name}: give the time they asked for (--at), e.g. 'tomorrow 10:30' or '+3d'"
        )
    elif exhausted:
        when = None
        reason = (
            f"exhausted after {attempts} unanswered attempts: no touch scheduled; "
            "recycle the lead or mark it lost"
        )
    elif pending and not rule.conversation:
        when, fixed = lead.next_touch_at, True
        reason = "the callback they asked for stands"
    elif rule.next == "cadence":
        base = now.add(days=lead.cadence_days)
        when = _into_window(base, lead, window)
        reason = f"every {lead.cadence_days} days by {channel}, as agreed"
        if when != base:
            reason += f", inside their call window ({window.describe()})"
    else:
        delay = rule.delay_delta()
        if rule.attempt:
            gap = dt.timedelta(minutes=settings.attempt_gap_minutes)
            delay = max(delay, gap)
        base = now + delay
        if rule.attempt and lead.channel != "email":
            when, reason = _rotated(base, lead, window, now, rule)
        else:
            when = _into_window(base, lead, window)
            reason = f"{_human(delay)} later" + (
                f", inside their call window ({window.describe()})" if when != base else ""
            )
    return PlannedTouch(
        lead_id=lead.id,
        outcome=rule.name,
        label=rule.label,
        next_touch_at=when,
        fixed=fixed,
        channel=channel,
        attempts=attempts,
        exhausted=exhausted,
        status=status,
        status_changed=status != lead.status,
        ask_referral=rule.ask_referral,
        reason=reason,
        lead_zone=lead.zone,
        rep_zone=zone_of_rep,
    )


def _given_time(at, at_zone: str, lead: Lead, zone_of_rep: str, now: pendulum.DateTime):
    if at is None or at == "":
        return None
    if at_zone not in (LEAD_ZONE, REP_ZONE):
        raise CallqError(f"at_zone: {at_zone!r} is not 'lead' or 'rep'")
    zone = lead.zone if at_zone == LEAD_ZONE else zone_of_rep
    when = parse_when(at, zone=zone, now=now) if isinstance(at, str) else clock.to_utc(at)
    if when <= now:
        shown = when.in_timezone(zone).format("ddd D MMM HH:mm")
        whose = "their" if at_zone == LEAD_ZONE else "your"
        raise CallqError(f"when: {shown} {whose} time is in the past")
    return when


def _into_window(base: pendulum.DateTime, lead: Lead, window) -> pendulum.DateTime:
    if lead.channel == "email":
        return base
    found = next_open(window, lead.zone, base)
    return found or base


def _rotated(base, lead: Lead, window, now, rule: OutcomeRule):
    """The first time from ``base`` inside the window at an hour of the prospect's day not yet
    tried since the last conversation (every hour tried: any hour but the last one)."""
    tried = _tried_hours(lead, now)
    last_hour = now.in_timezone(lead.zone).hour
    for avoid in (tried, {last_hour}):
        found = _first_untried(base, lead.zone, window, avoid)
        if found is not None:
            break
    else:
        found = _into_window(base, lead, window)
    local = found.in_timezone(lead.zone)
    reason = f"{rule.label.lower()}: next attempt {_human(found - now)} later"
    if len(tried) > 1:
        hours = ", ".join(f"{h:02d}h" for h in sorted(tried))
        reason += f", at {local.format('HH')}h their time (tried {hours})"
    return found, reason


def _tried_hours(lead: Lead, now) -> set[int]:
    hours = {now.in_timezone(lead.zone).hour}
    if lead.attempts:
        rows = (
            Touch.select(Touch.started_at)
            .where(Touch.lead == lead.id)
            .order_by(Touch.started_at.desc())
            .limit(lead.attempts)
        )
        hours.update(row.started_at.in_timezone(lead.zone).hour for row in rows)
    return hours


def _first_untried(base, zone: str, window, avoid: set[int]) -> pendulum.DateTime | None:
    candidate = next_open(window, zone, base)
    for _ in range(24 * 10):
        if candidate is None:
            return None
        local = candidate.in_timezone(zone)
        if local.hour not in avoid:
            return candidate
        top = local.start_of("hour").add(hours=1).in_timezone("UTC")
        candidate = top if is_open(window, zone, top) else next_open(window, zone, top)
    return None


def _human(delta: dt.timedelta) -> str:
    minutes = round(delta.total_seconds() / 60)
    if minutes < 120:
        return f"{minutes} min"
    if minutes < 48 * 60:
        return f"{round(minutes / 60)} h"
    return f"{round(minutes / 1440)} days"


# ---------------------------------------------------------------------------------------------
# Logging and undoing


def log_outcome(
    lead_id: int,
    outcome: str,
    *,
    rep: Rep | None,
    now: dt.datetime | None = None,
    at: str | dt.datetime | None = None,
    at_zone: str = LEAD_ZONE,
    note: str = "",
    variant: str | None = None,
    benefit: int | None = None,
    channel: str | None = None,
    started_at: dt.datetime | None = None,
    settings: Settings | None = None,
) -> LogResult:
    """Record a touch on a lead and schedule its next one, all in one transaction.

    ``at`` is the time the prospect gave (text like "tomorrow 10:30" read in ``at_zone``:
    ``"lead"`` their zone, ``"rep"`` yours; or an aware datetime). ``started_at`` is when the
    call began (duration = now − started_at). ``variant`` is the introduction/offer variant used
    (default: the rotation's pick, :func:`models.variants.variant_for_touch`); ``benefit`` the id
    of the library's benefit statement used. The touch belongs to the rep's running time block if
    it is live at ``now`` (:func:`models.blocks.is_live`: not a crashed one, whose clock stopped
    at its last heartbeat) and remembers the lead's previous state for :func:`undo_last_touch`.
    """
    now = clock.resolve(now)
    settings = settings or load_settings()
    rule = get_rule(outcome)
    touch_channel = check_choice(channel, CHANNELS, "channel") if channel else None
    started = clock.to_utc(started_at) if started_at is not None else now
    if started > now:
        raise CallqError("started_at: the call cannot start after it ended")
    with write_transaction():
        lead = get_lead(lead_id)
        plan = _plan(lead, rule, rep, now, at, at_zone, settings)
        before = {name: _stored(getattr(lead, name)) for name in UNDO_FIELDS}
        change = None
        if plan.status_changed:
            change = change_status(
                lead, plan.status, reason=f"outcome: {rule.name}", rep=rep, now=now
            )
        running = running_block(rep)
        block = running if running is not None and is_live(running, now) else None
        crashed = running if running is not None and is_crashed(running, now) else None
        statement = check_benefit(benefit)
        used_variant = variant_for_touch(lead, variant)
        touch = Touch.create(
            lead=lead,
            rep=rep,
            channel=touch_channel or lead.channel,
            outcome=rule.name,
            started_at=started,
            ended_at=now,
            variant=used_variant,
            benefit=statement,
            block=block,
            note=(note or "").strip(),
            next_touch_at=plan.next_touch_at,
            undo_state=json.dumps({"lead": before, "status_change": change.id if change else None}),
        )
        Lead.update(
            next_touch_at=plan.next_touch_at,
            next_touch_fixed=plan.fixed,
            attempts=plan.attempts,
            exhausted=plan.exhausted,
            last_contacted_at=now,
            updated_at=now,
        ).where(Lead.id == lead.id).execute()
    return LogResult(
        plan=plan,
        touch_id=touch.id,
        block_id=block.id if block else None,
        variant=used_variant,
        benefit_id=statement.id if statement else None,
        crashed_block_id=crashed.id if crashed is not None else None,
    )


def _stored(value):
    if isinstance(value, dt.datetime):
        return to_db(value)
    return value


@dataclass(frozen=True)
class UndoResult:
    """What undo put back."""

    lead_id: int
    touch_id: int
    outcome: str
    next_touch_at: pendulum.DateTime | None


def undo_last_touch(rep: Rep | None, *, now: dt.datetime | None = None) -> UndoResult:
    """Remove the rep's last logged touch and restore its lead exactly as it was before.

    Refused (nothing changes) when there is nothing to undo, or when the lead has a later touch
    (undo only ever takes back the latest step).
    """
    clock.resolve(now)
    with write_transaction():
        query = Touch.select().where(Touch.undo_state.is_null(False))
        query = query.where(Touch.rep == rep) if rep is not None else query
        touch = query.order_by(Touch.id.desc()).first()
        if touch is None:
            raise NotFound("nothing to undo: no logged outcome")
        newer = Touch.select().where((Touch.lead == touch.lead_id) & (Touch.id > touch.id))
        if newer.exists():
            raise CallqError(
                f"cannot undo touch {touch.id}: lead {touch.lead_id} has a later touch"
            )
        state = json.loads(touch.undo_state)
        assigned = Lead.get_by_id(touch.lead_id).variant
        Lead.update(**state["lead"]).where(Lead.id == touch.lead_id).execute()
        if "variant" in state["lead"] and state["lead"]["variant"] != assigned:
            release_variant(assigned)  # this touch gave the lead its variant: take it back
        if state.get("status_change"):
            StatusChange.delete().where(StatusChange.id == state["status_change"]).execute()
        touch.delete_instance()
        restored = Lead.get_by_id(touch.lead_id)
    return UndoResult(touch.lead_id, touch.id, touch.outcome, restored.next_touch_at)
