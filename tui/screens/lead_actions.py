"""What the rep does to the lead at the cursor: referrals, qualifying, its status, notes,
benefit statements, and its phone number."""

from __future__ import annotations

import shlex
import subprocess
from typing import TYPE_CHECKING

from textual import work

from models.catalog import STATUSES

if TYPE_CHECKING:
    from .workstation import WorkstationScreen

# The models behind these actions are imported where they are used, mostly in the worker that runs
# the write: loading them at import would slow the workstation's first screen (see workstation.py).


class LeadActions:
    """The workstation's lead keys (mixed into WorkstationScreen: uses its queue, detail, current,
    _benefits, _write and its Dialled message)."""

    # -- referrals and the lead's status ------------------------------------------------------

    def _ask_referral(self, entry, touch_id: int | None) -> None:
        """After a good conversation: did they give a name? Recorded on that touch."""
        from models.referrals import record_ask

        from ..dialogs.choice import ChoiceDialog

        app = self.app

        def answer(result: str | None) -> None:
            if result == "obtained":
                self._referral_form(entry.lead_id, entry.name, touch_id)
            elif result is not None:
                said = {"declined": "asked, none given", "skipped": "not asked"}[result]
                self._write(
                    lambda: record_ask(
                        entry.lead_id, result, touch_id=touch_id, rep=app.rep, now=app.now()
                    ),
                    f"Referral on {entry.name}: {said}.",
                )

        self.app.push_screen(
            ChoiceDialog(
                "Ask for a referral",
                f"A good conversation with {entry.name}: who else should you talk to?",
                [
                    ("o", "Asked, and they named someone: add the lead", "obtained"),
                    ("d", "Asked, and they declined", "declined"),
                    ("s", "Did not ask this time", "skipped"),
                ],
            ),
            answer,
        )

    def action_qualify(self) -> None:
        from ..dialogs.qualify import QualifyDialog

        entry = self.current
        if entry is None:
            self.notify("No lead selected.", severity="warning")
            return

        def saved(result) -> None:
            if result is None:
                return
            if result.change is not None:
                self.notify(f"{entry.name} is now a prospect ({result.change.reason}).")
            elif result.unmet:
                self.notify(f"Qualification saved; not a prospect yet: {'; '.join(result.unmet)}.")
            else:
                self.notify(f"Qualification saved on {entry.name}.")
            self.detail.reload()

        self.app.push_screen(QualifyDialog(entry.lead_id, entry.name), saved)

    def action_move_status(self) -> None:
        """Prospect, customer (with its deal value), lost (with its reason)…"""
        from ..dialogs.choice import ChoiceDialog
        from ..dialogs.status import StatusDialog

        entry = self.current
        if entry is None:
            self.notify("No lead selected.", severity="warning")
            return

        def moved(move) -> None:
            if move is None:
                return
            label = STATUSES[move.lead.status].lower()
            said = f"{entry.name} is now {label}." if move.change else "Nothing changed."
            self.notify(said if move.change or not move.updated else f"{entry.name}: updated.")
            self.detail.forget()
            self.queue.reload()
            if move.ask_referral:
                self._ask_referral(entry, None)

        def chosen(to_status: str | None) -> None:
            if to_status is not None:
                self.app.push_screen(StatusDialog(entry.lead_id, entry.name, to_status), moved)

        keys = {"lead": "e", "prospect": "p", "customer": "c", "lost": "l", "do_not_contact": "x"}
        self.app.push_screen(
            ChoiceDialog(
                "Change the status",
                f"Move {entry.name} to:",
                [(keys[status], label, status) for status, label in STATUSES.items()],
            ),
            chosen,
        )

    def action_add_referral(self) -> None:
        entry = self.current
        if entry is None:
            self.notify("No lead selected.", severity="warning")
            return
        self._referral_form(entry.lead_id, entry.name, None)

    def _referral_form(self, referrer_id: int, referrer_name: str, touch_id: int | None) -> None:
        from ..dialogs.referral import ReferralForm

        def saved(name: str | None) -> None:
            if name:
                self.notify(f"{name} added, referred by {referrer_name}: due for a first call.")
                self.detail.forget()
                self.queue.reload()

        self.app.push_screen(ReferralForm(referrer_id, referrer_name, touch_id), saved)

    # -- notes --------------------------------------------------------------------------------

    def action_note(self, kind: str) -> None:
        from ..dialogs.note_editor import NoteEditor

        entry = self.current
        if entry is None:
            self.notify("No lead selected.", severity="warning")
            return

        def done(saved: bool | None) -> None:
            if saved:
                self.notify(f"Note saved on {entry.name}.")
            self.detail.reload()

        self.app.push_screen(NoteEditor(entry.lead_id, entry.name, kind=kind), done)

    def action_pick_benefit(self) -> None:
        """Insert a library statement into the lead's benefit notes; the next touch records it."""
        from models.benefits import use_benefit

        from ..dialogs.benefit_picker import BenefitPicker

        entry = self.current
        if entry is None:
            self.notify("No lead selected.", severity="warning")
            return
        app = self.app

        def picked(statement) -> None:
            if statement is None:
                return
            benefit_id = statement.id

            def use() -> str:
                _, new = use_benefit(entry.lead_id, benefit_id, author=app.rep, now=app.now())
                self._benefits[entry.lead_id] = benefit_id
                where = "added to" if new else "already in"
                return f"Benefit statement {where} {entry.name}'s notes; the next touch records it."

            self._write(use, then=self.detail.reload)

        self.app.push_screen(BenefitPicker(entry.lead_id, entry.name), picked)

    # -- phone --------------------------------------------------------------------------------

    def action_copy_phone(self) -> None:
        entry = self.current
        if entry is None or not entry.phone:
            self.notify("This lead has no phone number.", severity="warning")
            return
        # OSC 52: the terminal (local, even over SSH) puts it on the clipboard.
        self.app.copy_to_clipboard(entry.phone)
        self.notify(f"Copied {entry.phone} to the clipboard.")

    def action_dial(self) -> None:
        entry = self.current
        command = self.app.settings.dial_command
        if not command:
            self.notify(
                "No dial_command in your settings (e.g. dial_command = "
                "'linphonecsh dial {phone}'). c copies the number instead.",
                severity="warning",
            )
            return
        if entry is None or not entry.phone:
            self.notify("This lead has no phone number.", severity="warning")
            return
        self.notify(f"Dialling {entry.phone}…")
        self._dial(command, entry.phone)

    @work(thread=True, group="dial")
    def _dial(self, command: str, number: str) -> None:
        argv = [part.replace("{phone}", number) for part in shlex.split(command)]
        if not any("{phone}" in part for part in shlex.split(command)):
            argv.append(number)
        try:
            done = subprocess.run(
                argv,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                timeout=30,
                check=False,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            self.post_message(self.Dialled(f"{argv[0]}: {exc}"))
            return
        error = ""
        if done.returncode:
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-1:] or [""]
            error = f"{argv[0]} exited {done.returncode} {tail[0]}".strip()
        self.post_message(self.Dialled(error))

    def on_workstation_screen_dialled(self, message: WorkstationScreen.Dialled) -> None:
        if message.error:
            self.notify(message.error, title="Dial failed", severity="error")
