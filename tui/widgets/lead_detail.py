"""The lead under the cursor: who, their time, benefit statements first, why they are in the queue
now, status and qualification, cadence, other notes, the unsaved draft, and the touch history."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console, Group
from rich.segment import Segment
from rich.style import Style
from rich.table import Table
from rich.text import Text
from textual import work
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from models.catalog import CHANNELS, NOTE_KINDS, SOURCES, STATUSES
from models.leads import get_lead, touches_for
from models.notes import get_draft, notes_for
from models.status import status_history

from .. import text
from ..strips import compact
from ..workers import db_thread

QUESTIONS = [
    ("q_need", "need"),
    ("q_afford", "pay"),
    ("q_authority", "authority"),
    ("q_approachable", "approach"),
    ("q_eligible", "eligible"),
]
MARKS = {"yes": "✓", "no": "✗", "unknown": "?"}
MARGIN = 1  # blank columns either side of the card
MIN_WIDTH = 2 * MARGIN + 2  # narrower than this, the card is not drawn


def _scroll_height(lines: int, view: int) -> int:
    """The card's height for the scrollbar: its lines rounded up to whole views. Cards of most
    leads then measure the same, so moving to the next lead leaves the scrollbar alone instead
    of sending its whole column again; the end of the card is still in reach."""
    view = max(view, 1)
    return max(-(-lines // view), 1) * view


@dataclass
class LeadCard:
    """Everything the pane shows about one lead, read in one worker."""

    lead: Any
    notes: list = field(default_factory=list)
    touches: list = field(default_factory=list)
    draft: Any = None
    status_changes: list = field(default_factory=list)


class LeadDetail(ScrollView, can_focus=True):
    """Shows the lead at the cursor; reloads it whenever the queue hands it a new entry."""

    COMPONENT_CLASSES = {"lead-detail--benefit-bar", "lead-detail--draft"}

    entry: reactive[Any | None] = reactive(None, always_update=True, init=False, repaint=False)

    class Loaded(Message):
        def __init__(self, lead_id: int, card: LeadCard | None, error: str = "") -> None:
            super().__init__()
            self.lead_id = lead_id
            self.card = card
            self.error = error

    class Prefetched(Message):
        def __init__(self, generation: int, cards: dict[int, tuple]) -> None:
            super().__init__()
            self.generation = generation
            self.cards = cards

    def __init__(self, *, rep, rep_zone: str, now, **kwargs) -> None:
        super().__init__(**kwargs)
        self._rep = rep
        self._rep_zone = rep_zone
        self._now = now
        self.card: LeadCard | None = None
        self._blocks: list[tuple[Any, Style | None]] = []
        self._lines: list[Strip] = []
        self._painted: dict[tuple, Strip] = {}
        self._render_width = -1
        # The leads around the cursor, read and drawn ahead so the next lead shows at once:
        # lead id → (card, blocks, lines at width, width).
        self._cards: dict[int, tuple] = {}
        self._generation = 0  # bumped when the cache is dropped; late prefetches are ignored

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
        ahead = self._cards.get(entry.lead_id)
        if ahead is None:
            self._load(entry.lead_id)
            return
        card, blocks, lines, width = ahead
        self.card = card
        if lines is not None and width == self.scrollable_content_region.width:
            self._set_content(blocks, lines)  # drawn ahead: nothing left to do but paint
        else:
            self._show(card)

    def reload(self) -> None:
        """Forget what was read ahead and read the lead again (after a note or an outcome)."""
        self.forget()
        if self.entry is not None:
            self._load(self.entry.lead_id)

    def forget(self) -> None:
        """Drop the cards read ahead: the database has changed."""
        self._cards.clear()
        self._generation += 1

    def prefetch(self, entries: list) -> None:
        """Read and draw ahead the leads the rep is likely to move to next (after this frame is
        painted, so the work never delays the lead on screen)."""
        wanted = [entry for entry in entries if entry.lead_id not in self._cards]
        if wanted:
            width = self.scrollable_content_region.width
            args = (self._generation, wanted, self._view(), width, self._now())
            self.call_after_refresh(self._prefetch, *args)

    def _read(self, lead_id: int) -> LeadCard:
        return LeadCard(
            lead=get_lead(lead_id),
            notes=notes_for(lead_id),
            touches=touches_for(lead_id, limit=30),
            draft=get_draft(lead_id, self._rep),
            status_changes=status_history(lead_id),
        )

    @work(thread=True, exclusive=True, group="lead-detail")
    def _load(self, lead_id: int) -> None:
        try:
            with db_thread():
                card = self._read(lead_id)
        except Exception as exc:  # the lead may have been deleted meanwhile
            self.post_message(self.Loaded(lead_id, None, str(exc)))
            return
        self.post_message(self.Loaded(lead_id, card))

    @work(thread=True, group="lead-prefetch")
    def _prefetch(self, generation: int, entries: list, view: CardView, width: int, now) -> None:
        # Only values cross into this thread (the entries, a CardView of plain styles, the
        # width): it reads the database and renders lines, and touches no widget.
        console = Console(width=max(width, 1), file=io.StringIO(), force_terminal=True)
        ahead = {}
        try:
            with db_thread():
                for entry in entries:
                    card = self._read(entry.lead_id)
                    blocks = view.blocks(card, entry, now)
                    lines = CardView.render(blocks, width, console) if width > MIN_WIDTH else None
                    ahead[entry.lead_id] = (card, blocks, lines, width)
        except Exception:  # reading ahead is a nicety; the lead is read again when shown
            return
        self.post_message(self.Prefetched(generation, ahead))

    def on_lead_detail_prefetched(self, message: Prefetched) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        if len(self._cards) > 64:
            self._cards.clear()
        self._cards.update(message.cards)

    def on_lead_detail_loaded(self, message: Loaded) -> None:
        message.stop()
        if message.lead_id != self.lead_id:
            return  # the cursor has moved on
        if message.card is None:
            self._show_empty(message.error)
            return
        self.card = message.card
        self._cards[message.lead_id] = (message.card, None, None, -1)
        self._show(message.card)

    # -- drawing ------------------------------------------------------------------------------
    # The card is rendered to lines once per card and width; scrolling and repainting read those
    # lines. No child widgets: a new lead costs one Rich render, not a relayout of the screen.

    def _show_empty(self, why: str = "") -> None:
        self._set_content([(Text(why or "No lead selected.", style="italic"), None)])

    def _view(self) -> CardView:
        names = ("lead-detail--benefit-bar", "lead-detail--draft")
        styles = {name: self.get_component_rich_style(name, partial=True) for name in names}
        return CardView(self._rep_zone, styles)

    def _show(self, card: LeadCard) -> None:
        self._set_content(self._view().blocks(card, self.entry, self._now()))

    def _set_content(self, blocks: list[tuple[Any, Style | None]], lines=None) -> None:
        """Show ``blocks`` (already rendered as ``lines`` at the current width, when given)."""
        before, region = self._lines, self.scrollable_content_region
        unscrolled = self.scroll_y == 0 and self._render_width == region.width
        self._blocks = blocks
        self._render_width = -1
        if lines is not None:
            self._use_lines(lines, region.width)
        else:
            self._layout_lines()
        self.scroll_to(y=0, animate=False, immediate=True)
        if not unscrolled or self.scrollable_content_region != region:
            self.refresh()
            return
        # Only the lines that differ from the card before: headings, gaps and labels stay put,
        # and every line not sent is bytes saved over SSH.
        for y in range(region.height):
            old = before[y] if y < len(before) else None
            new = self._lines[y] if y < len(self._lines) else None
            if old != new:
                self.refresh(Region(0, y, region.width, 1))

    def _layout_lines(self) -> None:
        width = self.scrollable_content_region.width
        if width <= MIN_WIDTH or width == self._render_width:
            return
        self._use_lines(CardView.render(self._blocks, width, self.app.console), width)

    def _use_lines(self, lines: list[Strip], width: int) -> None:
        self._lines = lines
        self._painted = {}
        self._render_width = width
        size = Size(width, _scroll_height(len(lines), self.scrollable_content_region.height))
        if size != self.virtual_size:
            # Setting virtual_size the usual way lays out the whole screen again (tens of ms per
            # keystroke). The pane's own size has not changed, so only its scrollbar needs news.
            self.set_reactive(LeadDetail.virtual_size, size)
            self._scroll_update(size)

    def on_resize(self) -> None:
        self._layout_lines()
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        index = int(self.scroll_y) + y
        base = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        key = (index, width, base)
        strip = self._painted.get(key)
        if strip is None:  # each line is styled once per card, however often it is repainted
            strip = self._lines[index].apply_style(base).extend_cell_length(width, base)
            strip = self._painted[key] = compact(strip.crop(0, width))
        return strip


class CardView:
    """A lead card as Rich renderables and rendered lines. Plain Python (no widget), so the
    leads around the cursor can be drawn ahead in a worker thread."""

    def __init__(self, rep_zone: str, styles: dict[str, Style]) -> None:
        self._rep_zone = rep_zone
        self._styles = styles

    def style(self, name: str) -> Style:
        return self._styles.get(name, Style())

    def blocks(self, card: LeadCard, entry, now) -> list[tuple[Any, Style | None]]:
        """The card top to bottom; a block with a style gets a bar of it down its left edge."""
        lead = card.lead
        gap = (Text(""), None)
        blocks: list[tuple[Any, Style | None]] = [(self._head(lead, entry, now), None), gap]
        if card.draft is not None and card.draft.body.strip():
            kind = NOTE_KINDS.get(card.draft.kind, card.draft.kind).lower()
            body = " ".join(card.draft.body.split())
            draft = Group(
                Text(f"✎ Unsaved {kind} draft — n goes on", style="bold"),
                Text(body, no_wrap=True, overflow="ellipsis"),
            )
            blocks += [(draft, self.style("lead-detail--draft")), gap]
        blocks += [(self._benefits(card), self.style("lead-detail--benefit-bar")), gap]
        blocks += [(self._facts(card, now), None), gap]
        others = [n for n in card.notes if n.kind != "benefit"]
        if others:
            blocks += [(self._notes(others, now), None), gap]
        blocks.append((self._history(card.touches, now), None))
        return blocks

    @staticmethod
    def render(blocks, width: int, console: Console) -> list[Strip]:
        """The blocks as lines ``width`` cells wide, a blank column at either side. The margin
        is part of each line, not the pane's padding, so it costs no escape sequence of its own
        (see tui/strips.py): every line is sent again when the rep moves to the next lead."""
        lines: list[Strip] = []
        margin = Segment(" ")
        for renderable, bar in blocks:
            inner = width - 2 * MARGIN - (2 if bar is not None else 0)
            for line in console.render_lines(renderable, console.options.update_width(inner)):
                if bar is not None:
                    line = [Segment("▌ ", bar), *line]
                lines.append(Strip([margin, *line, margin]))
        return lines

    def _head(self, lead, entry, now) -> Group:
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
        if entry is not None and getattr(entry, "lead_id", None) == lead.id:
            state = text.callable_state(entry, now, self._rep_zone)
            where.append(" · ")
            where.append(state, style="bold" if entry.callable_now else "")
            if entry.why:
                lines.append(Text(f"Why here: {entry.why}", style="italic"))
        return Group(*lines)

    def _benefits(self, card: LeadCard) -> Group:
        benefits = [n for n in card.notes if n.kind == "benefit"]
        lines: list = [Text("Benefit statements", style="bold")]
        if benefits:
            lines += [Text(f"• {n.body}") for n in benefits]
        else:
            lines.append(Text("None yet — b writes one.", style="italic"))
        return Group(*lines)

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
