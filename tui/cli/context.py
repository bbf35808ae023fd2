"""What every command needs, opened on first use: settings, database, rep, clock, output."""

from __future__ import annotations

import json
import sys
from functools import cached_property
from typing import TYPE_CHECKING

import pendulum

from models import clock
from models.db import close_database, open_database
from models.paths import settings_path
from models.reps import current_rep, rep_zone
from models.settings import Settings, load_settings

if TYPE_CHECKING:
    from models.pipeline import PromotionRule


class Context:
    """The parsed global options and the things they select."""

    def __init__(self, args):
        self.args = args
        self._db = None

    @cached_property
    def settings(self) -> Settings:
        return load_settings()

    @cached_property
    def sources(self) -> dict[str, str]:
        """The lead sources: the shipped list plus the settings' ``[sources]``."""
        from models.sources import known_sources  # not needed to open the workstation

        return known_sources(self.settings.sources, where=str(settings_path()))

    @cached_property
    def promotion_rule(self) -> PromotionRule:
        """When a lead becomes a prospect by itself (the settings' ``qualify_*``)."""
        from models.pipeline import PromotionRule  # not needed to open the workstation

        return PromotionRule.from_settings(self.settings, where=str(settings_path()))

    @cached_property
    def now(self) -> pendulum.DateTime:
        """The clock for this run: ``--now`` when given, else the real one."""
        if self.args.now:
            zone = self.settings.rep_zone or pendulum.local_timezone().name
            return clock.parse_instant(self.args.now, zone=zone, what="--now")
        return clock.utcnow()

    def open(self):
        """Open the database (creating and migrating as needed)."""
        if self._db is None:
            self._db = open_database(self.args.db)
        return self._db

    @cached_property
    def rep(self):
        self.open()
        return current_rep(self.args.rep, now=self.now)

    @cached_property
    def zone(self) -> str:
        """The rep's zone, for 'today' and for times shown to the rep."""
        return rep_zone(self.rep, self.settings.rep_zone)

    def local(self, instant) -> str:
        """An instant as the rep reads it."""
        if instant is None:
            return "-"
        return instant.in_timezone(self.zone).format("ddd D MMM HH:mm")

    def emit_json(self, data) -> None:
        json.dump(data, sys.stdout, indent=2, ensure_ascii=False, default=str)
        sys.stdout.write("\n")

    def close(self) -> None:
        if self._db is not None:
            close_database()
            self._db = None
