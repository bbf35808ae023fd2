"""Logging a touch's outcome on the lead at the cursor, and undoing the last one."""

from __future__ import annotations

from typing import Any

from models.leads import get_lead

# The models behind these actions are imported where they are used, mostly in the worker that runs
# the write: loading them at import would slow the workstation's first screen (see workstation.py).

# A touch longer than this was not a call: the lead sat on screen while the rep was away.
MAX_CALL_SECONDS = 2 * 3600


class OutcomeActions:
    """The workstation's outcome keys (mixed into WorkstationScreen: uses its queue, detail,
    timer, current, _arrived, _benefits and _write)."""

    def action_log(self, outcome: str) -> None:
        """Log ``outcome`` on the lead at the cursor, after showing what it will schedule."""
        from ..dialogs.callback import CallbackDialog
        from ..dialogs.outcome import OutcomeDialog

        entry = self.current
        if entry is None:
            self.notify("No lead selected.", severity="warning")
            return
        from models.outcomes import load_rules

        rules = load_rules()
        rule = rules.get(outcome)
        if rule is None:
            self.notify(f"No outcome {outcome!r} in the outcome rules.", severity="error")
            return
        after = self.queue.entry_at(self.queue.cursor + 1)
        next_lead = getattr(after, "lead_id", None)
        started = self._arrived.get(entry.lead_id)

        if rule.needs_date:

            def given(answer: tuple[str, str] | None) -> None:
                if answer is not None:
                    self._log(entry, rule, next_lead, started, at=answer[0], at_zone=answer[1])

            self.app.push_screen(CallbackDialog(entry, rule.label), given)
            return

        def confirmed(save: bool | None) -> None:
            if save:
                self._log(entry, rule, next_lead, started)

        self.app.push_screen(OutcomeDialog(entry, outcome, rule.label), confirmed)

    def action_pick_outcome(self) -> None:
        from models.outcomes import load_rules

        from ..dialogs.choice import ChoiceDialog

        if self.current is None:
            self.notify("No lead selected.", severity="warning")
            return
        keys = "123456789abcdefghijkmoprstvwxyz"
        choices = [
            (keys[i], rule.label, name) for i, (name, rule) in enumerate(load_rules().items())
        ]
        self.app.push_screen(
            ChoiceDialog("Log an outcome", self.current.name, choices),
            lambda name: name and self.action_log(name),
        )

    def _log(self, entry, rule, next_lead, started, *, at=None, at_zone=None) -> None:
        from models.outcomes import LEAD_ZONE, log_outcome

        app = self.app
        benefit = self._benefits.get(entry.lead_id)
        logged: dict[str, Any] = {}

        def log() -> str:
            now = app.now()
            began = started if started is not None and started <= now else None
            if began is not None and (now - began).total_seconds() > MAX_CALL_SECONDS:
                began = None  # the lead sat on screen, nobody was on the phone that long
            result = log_outcome(
                entry.lead_id,
                rule.name,
                rep=app.rep,
                now=now,
                at=at,
                at_zone=at_zone or LEAD_ZONE,
                started_at=began,
                settings=app.settings,
                benefit=benefit,
            )
            self._benefits.pop(entry.lead_id, None)
            logged.update(touch_id=result.touch_id, ask=result.plan.ask_referral)
            plan = result.plan
            told = f"{rule.label}: {entry.name}. Next: {plan.next_touch_text()}. u undoes."
            if plan.next_touch_at is None:
                told = f"{rule.label}: {entry.name} leaves the queue. u undoes."
            return told

        def after() -> None:
            self.detail.forget()
            # Not logged (the disk full, the database held by another program): stay on it.
            self.queue.reload(keep_lead=next_lead if logged else entry.lead_id)
            self.timer.reload()
            if logged.get("ask"):
                self._ask_referral(entry, logged["touch_id"])

        self._write(log, then=after)

    def action_undo(self) -> None:
        from models.outcomes import undo_last_touch

        app = self.app

        def undo() -> str:
            done = undo_last_touch(app.rep, now=app.now())
            self._undone = done.lead_id
            name = get_lead(done.lead_id).name
            return f"Undone: {done.outcome.replace('_', ' ')} on {name}; the lead is as it was."

        def after() -> None:
            self.queue.reload(keep_lead=self._undone)
            self.timer.reload()
            self.detail.reload()

        self._write(undo, then=after)
