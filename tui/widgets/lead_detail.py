"""The lead under the cursor: who, their time, benefit statements first, why they are in the queue
now, status and qualification, cadence, other notes, the unsaved draft, and the touch history."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from models.catalog import CHANNELS, NOTE_KINDS, SOURCES, STATUSES
from models.leads import get_lead, touches_for
from models.notes import get_draft, notes_for
from models.status import status_history

from .. import text
from ..workers import db_thread

QUESTIONS = [
    ("q_need", "need"),
    ("q_afford", "pay"),
    ("q_authority", "authority"),
    ("q_approachable", "approach"),
    ("q_eligible", "eligible"),
]
MARKS = {"yes": "✓", "no": "✗", "unknown": "?"}


@dataclass
class LeadCard:
    """Everything the pane shows about one lead, read in one worker."""

    lead: Any
    notes: list = field(default_factory=list)
    touches: list = field(default_factory=list)
    draft: Any = None
    status_changes: list = field(default_factory=list)


class LeadDetail(VerticalScroll):
    """Shows the lead at the cursor; reloads it whenever the queue hands it a new entry."""

    entry: reactive[Any | None] = reactive(None, always_update=True, init=False)

    class Loaded(Message):
        def __init__(self, lead_id: int, card: LeadCard | None, error: str = "") -> None:
            super().__init__()
            self.lead_id = lead_id
            self.card = card
            self.error = error

    def __init__(self, *, rep, rep_zone: str, now, **kwargs) -> None:
        super().__init__(**kwargs)
        self._rep = rep
        self._rep_zone = rep_zone
        self._now = now
        self.card: LeadCard | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="lead-head")
        yield Static(id="lead-draft")
        yield Static(id="lead-benefits")
        yield Static(id="lead-facts")
        yield Static(id="lead-notes")
        yield Static(id="lead-history")

    def on_mount(self) -> None:
        self._show_empty("Loading…")

    @property
    def lead_id(self) -> int | None:
        return getattr(self.entry, "lead_id", None)

    def watch_entry(self, entry: Any | None) -> None:
        if entry is None:
            self.card = None
            self._show_empty()
            return
        self._load(entry.lead_id)

    def reload(self) -> None:
        """Read the lead again (after a note or an outcome)."""
        if self.entry is not None:
            self._load(self.entry.lead_id)

    @work(thread=True, exclusive=True, group="lead-detail")
    def _load(self, lead_id: int) -> None:
        try:
            with db_thread():
                lead = get_lead(lead_id)
                card = LeadCard(
                    lead=lead,
                    notes=notes_for(lead_id),
                    touches=touches_for(lead_id, limit=30),
                    draft=get_draft(lead_id, self._rep),
                    status_changes=status_history(lead_id),
                )
        except Exception as exc:  # the lead may have been deleted meanwhile
            self.post_message(self.Loaded(lead_id, None, str(exc)))
            return
        self.post_message(self.Loaded(lead_id, card))

    def on_lead_detail_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.lead_id != self.lead_id:
            return  # the cursor has moved on
        if message.card is None:
            self._show_empty(message.error)
            return
        self.card = message.card
        self._show(message.card)

    # -- drawing ------------------------------------------------------------------------------

    def _section(self, name: str):
        return self.query_one(f"#lead-{name}", Static)

    def _show_empty(self, why: str = "") -> None:
        self._section("head").update(Text(why or "No lead selected.", style="italic"))
        for name in ("benefits", "draft", "facts", "notes", "history"):
            self._section(name).update("")
            self._section(name).display = False

    def _show(self, card: LeadCard) -> None:
        lead, now = card.lead, self._now()
        self._section("head").update(self._head(lead, now))
        self._section("benefits").update(self._benefits(card))
        self._section("benefits").display = True
        draft = self._section("draft")
        draft.display = card.draft is not None and bool(card.draft.body.strip())
        if draft.display:
            kind = NOTE_KINDS.get(card.draft.kind, card.draft.kind).lower()
            body = " ".join(card.draft.body.split())
            draft.update(
                Group(
                    Text(f"✎ Unsaved {kind} draft — n goes on", style="bold"),
                    Text(body, no_wrap=True, overflow="ellipsis"),
                )
            )
        self._section("facts").update(self._facts(card, now))
        self._section("facts").display = True
        others = [n for n in card.notes if n.kind != "benefit"]
        notes = self._section("notes")
        notes.display = bool(others)
        notes.update(self._notes(others, now))
        history = self._section("history")
        history.display = True
        history.update(self._history(card.touches, now))
        self.scroll_home(animate=False)

    def _head(self, lead, now) -> Group:
        who = Text(lead.name, style="bold")
        role = ", ".join(part for part in (lead.title, lead.company) if part)
        if role:
            who.append(f" — {role}")
        contact = Text(text.phone(lead.phone) if lead.phone else (lead.phone_raw or "no phone"))
        if lead.email:
            contact.append(" · ")
            contact.append(lead.email, style="dim")
        their = now.in_timezone(lead.zone)
        where = Text(f"Their time {their.format('ddd HH:mm')} ({lead.zone})")
        lines = [who, contact, where]
        entry = self.entry
        if entry is not None and getattr(entry, "lead_id", None) == lead.id:
            state = text.callable_state(entry, now, self._rep_zone)
            where.append(" · ")
            where.append(state, style="bold" if entry.callable_now else "")
            if entry.why:
                lines.append(Text(f"Why here: {entry.why}", style="italic"))
        return Group(*lines)

    def _benefits(self, card: LeadCard) -> Group:
        benefits = [n for n in card.notes if n.kind == "benefit"]
        title = Text("Benefit statements", style="bold")
        if not benefits:
            return Group(title, Text("None yet — b writes one.", style="italic"))
        return Group(title, *(Text(f"• {n.body}") for n in benefits))

    def _facts(self, card: LeadCard, now) -> Table:
        lead = card.lead
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column()
        status = STATUSES.get(lead.status, lead.status)
        if lead.exhausted:
            status += " — attempts exhausted"
        grid.add_row("Status", status)
        answers = " ".join(
            f"{MARKS.get(getattr(lead, attr), '?')}{label}" for attr, label in QUESTIONS
        )
        passed = sum(getattr(lead, attr) == "yes" for attr, _ in QUESTIONS)
        qualification = f"{passed}/5: {answers}"
        if lead.likelihood is not None:
            qualification += f" · likely {lead.likelihood}%"
        if lead.purchase_timing:
            qualification += f" · buys {lead.purchase_timing}"
        grid.add_row("Qualified", qualification)
        channel = CHANNELS.get(lead.channel, lead.channel).lower()
        grid.add_row("Cadence", f"every {lead.cadence_days} days by {channel}")
        grid.add_row("Next", text.both_zones(lead.next_touch_at, self._rep_zone, lead.zone, now))
        grid.add_row("Attempts", f"{lead.attempts} since the last conversation")
        grid.add_row("Last", text.ago(lead.last_contacted_at, now))
        grid.add_row("Source", SOURCES.get(lead.source, lead.source))
        grid.add_row("Industry", lead.industry)
        if card.status_changes:
            last = card.status_changes[-1]
            grid.add_row(
                "Moved",
                f"{last.from_status} → {last.to_status} {text.ago(last.changed_at, now)}"
                + (f" ({last.reason})" if last.reason else ""),
            )
        return grid

    def _notes(self, notes: list, now) -> Group:
        lines = [Text("Notes", style="bold")]
        for note in notes:
            line = Text(f"[{note.kind}] ", style="bold" if note.kind == "objection" else "dim")
            line.append(note.body)
            line.append(f"  {text.ago(note.created_at, now)}", style="dim")
            lines.append(line)
        return Group(*lines)

    def _history(self, touches: list, now) -> Group:
        title = Text("History", style="bold")
        if not touches:
            return Group(title, Text("No touches yet.", style="italic"))
        table = Table.grid(padding=(0, 1))
        table.add_column(no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column()
        table.add_column(no_wrap=True, justify="right")
        for touch in touches:
            seconds = None
            if touch.ended_at is not None:
                seconds = (touch.ended_at - touch.started_at).total_seconds()
            outcome = touch.outcome.replace("_", " ")
            if touch.note:
                outcome += f" — {touch.note}"
            table.add_row(
                text.when(touch.started_at, self._rep_zone, now),
                touch.channel,
                outcome,
                text.duration(seconds),
            )
        return Group(title, table)
