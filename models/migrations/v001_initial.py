"""Initial schema: reps, leads, notes, time blocks, touches.

Frozen as it was at version 1: later versions change it by migrations, not by editing this.
"""

import peewee

from models.fields import UTCDateTimeField
from models.migrations import frozen_base

VERSION = 1


def apply(db: peewee.Database) -> None:
    Base = frozen_base(db)

    class Rep(Base):
        name = peewee.CharField(unique=True)
        zone = peewee.CharField(null=True)
        goal_calls = peewee.IntegerField(null=True)
        goal_conversations = peewee.IntegerField(null=True)
        goal_calling_minutes = peewee.IntegerField(null=True)
        created_at = UTCDateTimeField()

    class Lead(Base):
        name = peewee.CharField()
        company = peewee.CharField(default="")
        title = peewee.CharField(default="")
        phone = peewee.CharField(null=True, index=True)
        phone_raw = peewee.CharField(null=True)
        email = peewee.CharField(null=True, index=True)
        zone = peewee.CharField()
        industry = peewee.CharField(default="office")
        source = peewee.CharField(default="other")
        referred_by = peewee.ForeignKeyField("self", null=True, on_delete="SET NULL")
        owner = peewee.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
        status = peewee.CharField(default="lead")
        q_need = peewee.CharField(default="unknown")
        q_afford = peewee.CharField(default="unknown")
        q_authority = peewee.CharField(default="unknown")
        q_approachable = peewee.CharField(default="unknown")
        q_eligible = peewee.CharField(default="unknown")
        likelihood = peewee.IntegerField(null=True)
        purchase_timing = peewee.CharField(null=True)
        deal_value = peewee.DecimalField(null=True, max_digits=14, decimal_places=2)
        lost_reason = peewee.CharField(null=True)
        cadence_days = peewee.IntegerField(default=7)
        channel = peewee.CharField(default="call")
        call_window = peewee.CharField(null=True)
        next_touch_at = UTCDateTimeField(null=True, index=True)
        next_touch_fixed = peewee.BooleanField(default=False)
        attempts = peewee.IntegerField(default=0)
        last_contacted_at = UTCDateTimeField(null=True)
        created_at = UTCDateTimeField()
        updated_at = UTCDateTimeField()

    class Note(Base):
        lead = peewee.ForeignKeyField(Lead, on_delete="CASCADE")
        kind = peewee.CharField(default="general")
        body = peewee.TextField()
        author = peewee.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
        is_draft = peewee.BooleanField(default=False)
        created_at = UTCDateTimeField()
        updated_at = UTCDateTimeField()

    class TimeBlock(Base):
        rep = peewee.ForeignKeyField(Rep, on_delete="CASCADE")
        category = peewee.CharField()
        planned_minutes = peewee.IntegerField()
        started_at = UTCDateTimeField()
        ended_at = UTCDateTimeField(null=True)
        heartbeat_at = UTCDateTimeField(null=True)
        paused_at = UTCDateTimeField(null=True)
        paused_seconds = peewee.IntegerField(default=0)
        end_reason = peewee.CharField(null=True)

    class Touch(Base):
        lead = peewee.ForeignKeyField(Lead, on_delete="CASCADE")
        rep = peewee.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
        channel = peewee.CharField(default="call")
        outcome = peewee.CharField()
        started_at = UTCDateTimeField(index=True)
        ended_at = UTCDateTimeField(null=True)
        variant = peewee.CharField(null=True)
        block = peewee.ForeignKeyField(TimeBlock, null=True, on_delete="SET NULL")
        note = peewee.TextField(default="")
        next_touch_at = UTCDateTimeField(null=True)
        undo_state = peewee.TextField(null=True)

    db.create_tables([Rep, Lead, Note, TimeBlock, Touch])
