"""Lead lifecycle: the benefit-statement library, variants, referral asks.

Adds the ``benefit_statement``, ``variant`` and ``referral_ask`` tables, ``touch.benefit_id``
(the statement used on a touch) and ``lead.variant`` (the variant a lead was assigned). The new
columns are nullable, so plain ``ALTER TABLE ... ADD COLUMN`` keeps every row as it was.
"""

import peewee

from models.fields import UTCDateTimeField
from models.migrations import frozen_base

VERSION = 5


def apply(db: peewee.Database) -> None:
    Base = frozen_base(db)

    class Rep(Base):
        pass

    class Lead(Base):
        pass

    class Touch(Base):
        pass

    class BenefitStatement(Base):
        body = peewee.TextField()
        industry = peewee.CharField(null=True)
        product = peewee.CharField(default="")
        author = peewee.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
        retired = peewee.BooleanField(default=False)
        created_at = UTCDateTimeField()
        updated_at = UTCDateTimeField()

    class Variant(Base):
        name = peewee.CharField(unique=True)
        script = peewee.TextField(default="")
        active = peewee.BooleanField(default=True)
        leads_assigned = peewee.IntegerField(default=0)
        created_at = UTCDateTimeField()

    class ReferralAsk(Base):
        lead = peewee.ForeignKeyField(Lead, on_delete="CASCADE")
        touch = peewee.ForeignKeyField(Touch, null=True, on_delete="SET NULL")
        rep = peewee.ForeignKeyField(Rep, null=True, on_delete="SET NULL")
        result = peewee.CharField()
        asked_at = UTCDateTimeField()

    db.create_tables([BenefitStatement, Variant, ReferralAsk])
    db.execute_sql('ALTER TABLE "lead" ADD COLUMN "variant" VARCHAR(255)')
    db.execute_sql(
        'ALTER TABLE "touch" ADD COLUMN "benefit_id" INTEGER'
        ' REFERENCES "benefit_statement" ("id") ON DELETE SET NULL'
    )
    db.execute_sql('CREATE INDEX "touch_benefit_id" ON "touch" ("benefit_id")')
