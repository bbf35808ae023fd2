"""The tables: reps, leads, notes, touches, time blocks and status history.

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
    next_touch_at = UTCDateTimeField(null=True, index=True)
    next_touch_fixed = peewee.BooleanField(default=False)  # a callback time the prospect gave
    attempts = peewee.IntegerField(default=0)  # unanswered attempts since the last conversation
    exhausted = peewee.BooleanField(default=False)
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


class Touch(BaseModel):
    """One attempt or conversation with a lead, and what it scheduled next."""

    lead = peewee.ForeignKeyField(Lead, backref="touches", on_delete="CASCADE")
    rep = peewee.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
    channel = peewee.CharField(default="call")
    outcome = peewee.CharField()
    started_at = UTCDateTimeField(index=True)
    ended_at = UTCDateTimeField(null=True)
    variant = peewee.CharField(null=True)  # the introduction/offer variant used
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


ALL_MODELS = [Rep, Lead, Note, TimeBlock, Touch, StatusChange]


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


ALL_MODELS.extend([ImportMapping, ImportRun])
