"""The tables: reps, leads, notes, touches, time blocks, status history, the benefit-statement
library, introduction/offer variants and referral asks.

Models bind late to :data:`database` (a ``DatabaseProxy``); :func:`models.db.open_database`
initialises it. Every instant is a :class:`UTCDateTimeField`.
"""

from __future__ import annotations

import peewee

from .fields import UTCDateTimeField

database = peewee.DatabaseProxy()


class BaseModel(peewee.Model):
    class Meta:
        database = database
        legacy_table_names = False


class Rep(BaseModel):
    """A person working the queue; on a shared box, the operating-system user."""

    name = peewee.CharField(unique=True)
    zone = peewee.CharField(null=True)  # the rep's own IANA zone; None: the settings' default
    goal_calls = peewee.IntegerField(null=True)
    goal_conversations = peewee.IntegerField(null=True)
    goal_calling_minutes = peewee.IntegerField(null=True)
    created_at = UTCDateTimeField()


class Lead(BaseModel):
    """A person at a company to prospect; a prospect once qualified, then maybe a customer."""

    name = peewee.CharField()
    company = peewee.CharField(default="")
    title = peewee.CharField(default="")
    phone = peewee.CharField(null=True, index=True)  # E.164
    phone_raw = peewee.CharField(null=True)  # as given, when it could not be normalised
    email = peewee.CharField(null=True, index=True)
    zone = peewee.CharField()  # IANA name, never a bare offset
    industry = peewee.CharField(default="office")
    source = peewee.CharField(default="other")
    referred_by = peewee.ForeignKeyField(
        "self", null=True, backref="referrals", on_delete="SET NULL"
    )
    owner = peewee.ForeignKeyField(Rep, null=True, backref="leads", on_delete="SET NULL")
    status = peewee.CharField(default="lead")
    # Qualification: yes / no / unknown for each question.
    q_need = peewee.CharField(default="unknown")
    q_afford = peewee.CharField(default="unknown")
    q_authority = peewee.CharField(default="unknown")
    q_approachable = peewee.CharField(default="unknown")
    q_eligible = peewee.CharField(default="unknown")
    likelihood = peewee.IntegerField(null=True)  # 0–100
    purchase_timing = peewee.CharField(null=True)
    deal_value = peewee.DecimalField(null=True, max_digits=14, decimal_places=2)
    lost_reason = peewee.CharField(null=True)
    # What the prospect agreed to: every N days, on this channel.
    cadence_days = peewee.IntegerField(default=7)
    channel = peewee.CharField(default="call")
    call_window = peewee.CharField(null=True)  # per-lead override of the industry's preset
    next_touch_at = UTCDateTimeField(null=True)  # read through the queue's partial indexes
    next_touch_fixed = peewee.BooleanField(default=False)  # a callback time the prospect gave
    attempts = peewee.IntegerField(default=0)  # unanswered attempts since the last conversation
    exhausted = peewee.BooleanField(default=False)
    # The introduction/offer variant this lead was assigned (rotation keeps it for every touch).
    variant = peewee.CharField(null=True)
    last_contacted_at = UTCDateTimeField(null=True)
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()


class Note(BaseModel):
    """A note on a lead: a benefit statement, an objection heard, or anything else.

    Drafts (``is_draft``) are what the rep is typing; they survive a dropped connection.
    """

    lead = peewee.ForeignKeyField(Lead, backref="notes", on_delete="CASCADE")
    kind = peewee.CharField(default="general")
    body = peewee.TextField()
    author = peewee.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
    is_draft = peewee.BooleanField(default=False)
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()


class TimeBlock(BaseModel):
    """A prospecting block: research, calling or follow-up, planned and actual."""

    rep = peewee.ForeignKeyField(Rep, backref="blocks", on_delete="CASCADE")
    category = peewee.CharField()
    planned_minutes = peewee.IntegerField()
    started_at = UTCDateTimeField()
    ended_at = UTCDateTimeField(null=True)
    heartbeat_at = UTCDateTimeField(null=True)
    paused_at = UTCDateTimeField(null=True)
    paused_seconds = peewee.IntegerField(default=0)
    end_reason = peewee.CharField(null=True)


class BenefitStatement(BaseModel):
    """A reusable benefit statement, for one industry and/or product (or for any lead)."""

    body = peewee.TextField()
    industry = peewee.CharField(null=True)  # None: fits any industry
    product = peewee.CharField(default="")
    author = peewee.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
    retired = peewee.BooleanField(default=False)  # hidden from the picker; touches keep the link
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()


class Touch(BaseModel):
    """One attempt or conversation with a lead, and what it scheduled next."""

    lead = peewee.ForeignKeyField(Lead, backref="touches", on_delete="CASCADE")
    rep = peewee.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
    channel = peewee.CharField(default="call")
    outcome = peewee.CharField()
    started_at = UTCDateTimeField(index=True)
    ended_at = UTCDateTimeField(null=True)
    variant = peewee.CharField(null=True)  # the introduction/offer variant used
    benefit = peewee.ForeignKeyField(
        BenefitStatement, null=True, backref="touches", on_delete="SET NULL"
    )  # the benefit statement used
    block = peewee.ForeignKeyField(TimeBlock, null=True, backref="touches", on_delete="SET NULL")
    note = peewee.TextField(default="")
    next_touch_at = UTCDateTimeField(null=True)
    # The lead as it was before this touch, so the last outcome can be undone exactly.
    undo_state = peewee.TextField(null=True)


class StatusChange(BaseModel):
    """A lead's move along lead → prospect → customer (or lost, do-not-contact)."""

    lead = peewee.ForeignKeyField(Lead, backref="status_changes", on_delete="CASCADE")
    from_status = peewee.CharField()
    to_status = peewee.CharField()
    reason = peewee.CharField(default="")
    rep = peewee.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
    changed_at = UTCDateTimeField()


class Variant(BaseModel):
    """A named introduction/offer variant; new leads rotate through the active ones."""

    name = peewee.CharField(unique=True)
    script = peewee.TextField(default="")  # what the rep says
    active = peewee.BooleanField(default=True)
    leads_assigned = peewee.IntegerField(default=0)  # kept with Lead.variant, so rotation is O(1)
    created_at = UTCDateTimeField()


class ReferralAsk(BaseModel):
    """Whether a referral was asked for after a good conversation, and whether one was given."""

    lead = peewee.ForeignKeyField(Lead, backref="referral_asks", on_delete="CASCADE")
    touch = peewee.ForeignKeyField(Touch, null=True, on_delete="SET NULL")
    rep = peewee.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
    result = peewee.CharField()  # obtained / declined / skipped (not asked)
    asked_at = UTCDateTimeField()


class BlockPause(BaseModel):
    """Time inside a block that is not counted: the rep paused, or callq was not running."""

    block = peewee.ForeignKeyField(TimeBlock, backref="pauses", on_delete="CASCADE")
    started_at = UTCDateTimeField()
    ended_at = UTCDateTimeField(null=True)  # None: the pause is still going on
    reason = peewee.CharField(default="paused")  # "paused" or "not_running" (after a crash)


class PlannedBlock(BaseModel):
    """A recurring planned block, e.g. calling 09:00–10:30 Mon–Fri, in the rep's own zone.

    Removed plans keep their row (``removed_at``) so past weeks' adherence stays what it was.
    """

    rep = peewee.ForeignKeyField(Rep, backref="planned_blocks", on_delete="CASCADE")
    category = peewee.CharField()
    weekdays = peewee.CharField()  # ISO weekday digits: "12345" is Monday to Friday
    start_minute = peewee.IntegerField()  # local wall-clock start, minutes after midnight
    minutes = peewee.IntegerField()
    created_at = UTCDateTimeField()
    removed_at = UTCDateTimeField(null=True)


# v004 also adds a partial unique index: one block per rep with ``ended_at IS NULL``.
ALL_MODELS = [Rep, Lead, Note, TimeBlock, Touch, StatusChange, BlockPause, PlannedBlock]
# Lead lifecycle (issue 6): the benefit-statement library, variants, referral asks.
ALL_MODELS += [BenefitStatement, Variant, ReferralAsk]


class ImportMapping(BaseModel):
    """A column mapping saved under a name, reused for the next file from the same tool."""

    name = peewee.CharField(unique=True)
    spec = peewee.TextField()  # JSON: columns, defaults, value words
    created_at = UTCDateTimeField()
    updated_at = UTCDateTimeField()


class ImportRun(BaseModel):
    """One import that wrote to the database: what it read, wrote and refused."""

    rep = peewee.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
    path = peewee.TextField()
    format = peewee.CharField()
    policy = peewee.CharField()  # duplicates: skip, update or keep
    started_at = UTCDateTimeField()
    finished_at = UTCDateTimeField()
    rows_read = peewee.IntegerField()
    imported = peewee.IntegerField()
    updated = peewee.IntegerField()
    duplicates = peewee.IntegerField()
    rejected = peewee.IntegerField()
    problems = peewee.IntegerField()


# Import and export (issue 7): saved mappings and the record of import runs.
ALL_MODELS += [ImportMapping, ImportRun]
