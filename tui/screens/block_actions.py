"""Time blocks from the workstation: start, pause, stop, recover after a crash, and quit with one
running."""

from __future__ import annotations

from models.catalog import BLOCK_CATEGORIES

from .. import text

# The models behind these actions are imported where they are used, mostly in the worker that runs
# the write: loading them at import would slow the workstation's first screen (see workstation.py).


class BlockActions:
    """The workstation's block keys (mixed into WorkstationScreen: uses its timer and _write)."""

    def action_block(self) -> None:
        from ..dialogs.choice import ChoiceDialog

        state = self.timer.state
        if state is not None and state.crashed:
            self._ask_recovery(state)
            return
        if state is None:
            minutes = self.app.settings.block_minutes
            choices = [
                (key, f"{BLOCK_CATEGORIES[cat]} ({minutes.get(cat, 30)} min)", cat)
                for key, cat in (("c", "calling"), ("r", "research"), ("f", "follow_up"))
            ]
            due = self.timer.due
            body = "What kind of prospecting block?"
            if due is not None:
                body += f" Planned now: {BLOCK_CATEGORIES[due.category].lower()}."
            self.app.push_screen(ChoiceDialog("Start a block", body, choices), self._start_block)
            return
        label = BLOCK_CATEGORIES.get(state.category, state.category).lower()
        counted = text.duration(self.timer.live_elapsed())
        self.app.push_screen(
            ChoiceDialog(
                "Stop the block?",
                f"The {label} block has counted {counted}.",
                [("s", "Stop it now", "stop")],
            ),
            self._stop_block,
        )

    def _start_block(self, category: str | None) -> None:
        from models.blocks import start_block

        if category is None:
            return
        app = self.app
        label = BLOCK_CATEGORIES[category]
        self._write(
            lambda: start_block(
                app.rep, category, now=app.now(), settings=app.settings, heartbeat=True
            ),
            f"{label} block started.",
            then=self.timer.reload,
        )

    def _stop_block(self, choice: str | None) -> None:
        from models.blocks import stop_block

        if choice != "stop":
            return
        app = self.app

        def stop():
            summary = stop_block(app.rep, now=app.now(), settings=app.settings)
            return f"Block stopped: {summary.counted_seconds // 60} min counted."

        self._write(stop, then=self.timer.reload)

    def action_pause_block(self) -> None:
        from models.blocks import pause_block, resume_block

        state = self.timer.state
        app = self.app
        if state is None:
            self.notify("No block is running (t starts one).", severity="warning")
        elif state.crashed:
            self._ask_recovery(state)
        elif state.paused:
            self._write(
                lambda: resume_block(app.rep, now=app.now(), settings=app.settings, heartbeat=True),
                "Block resumed.",
                then=self.timer.reload,
            )
        else:
            self._write(
                lambda: pause_block(app.rep, now=app.now(), settings=app.settings),
                "Block paused: time is not counted until p resumes it.",
                then=self.timer.reload,
            )

    def _ask_recovery(self, state) -> None:
        from models.blocks import recover_block

        from ..dialogs.choice import ChoiceDialog

        zone = self.app.zone
        label = BLOCK_CATEGORIES.get(state.category, state.category).lower()
        stopped = state.crashed_at.in_timezone(zone).format("HH:mm")
        app = self.app

        def answer(choice: str | None) -> None:
            if choice is None:
                return
            self._write(
                lambda: recover_block(
                    app.rep, choice, now=app.now(), settings=app.settings, heartbeat=True
                ),
                "Block resumed from now." if choice == "resume" else f"Block ended at {stopped}.",
                then=self.timer.reload,
            )

        self.app.push_screen(
            ChoiceDialog(
                "Your block stopped counting",
                f"The {label} block stopped being timed at {stopped}, when callq closed "
                f"({text.duration(state.counted_seconds)} counted). The time since is not work.",
                [("r", "Resume it from now", "resume"), ("e", f"End it at {stopped}", "end")],
            ),
            answer,
        )

    def action_quit(self) -> None:
        """Quit; a running block is stopped or left running on the wall clock, as the rep says."""
        from models.blocks import release_block, stop_block

        from ..dialogs.choice import ChoiceDialog

        state = self.timer.state
        if state is None or state.paused or state.crashed:
            self.app.exit(0)  # a paused block stays paused; a crashed one is asked about later
            return
        app = self.app
        label = BLOCK_CATEGORIES.get(state.category, state.category).lower()

        def leave() -> None:
            self.timer.forget()  # no heartbeat on the way out: the block is no longer ours
            app.exit(0)

        def answer(choice: str | None) -> None:
            if choice == "stop":
                self._write(
                    lambda: stop_block(app.rep, now=app.now(), settings=app.settings), then=leave
                )
            elif choice == "leave":
                self._write(lambda: release_block(app.rep, now=app.now()), then=leave)

        self.app.push_screen(
            ChoiceDialog(
                "Quit callq",
                f"Your {label} block is running ({text.duration(self.timer.live_elapsed())}).",
                [
                    ("s", "Stop the block and quit", "stop"),
                    ("l", "Leave it running (timed by the clock) and quit", "leave"),
                ],
            ),
            answer,
        )
