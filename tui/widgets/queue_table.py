"""The queue: today's due leads in queue order, paged from the database as it scrolls.

A line-API widget: it renders only the rows on screen, and holds only the pages it has been
asked for, so a queue of 100k leads costs what a queue of 100 does.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.segment import Segment
from textual import work
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from .. import text
from ..strips import compact
from ..workers import db_thread

PAGE = 100

# fetch(offset, limit, now, generation) -> (entries on that page, entries in the whole queue).
# Every page of one rebuild (generation) is fetched with the same ``now``, so the pages fit. The
# count may come back None (not counted yet: at 1M leads counting costs more than the page);
# the pane then asks for it with limit 0 once the rows are on screen.
Fetch = Callable[[int, int, Any, int], tuple[Sequence[Any], int]]


@dataclass(frozen=True)
class Column:
    key: str
    title: str
    width: int
    min_width: int  # below the total of these, columns are dropped from the right of PRIORITY


# In the order they appear. Priority (what survives a narrow pane) is PRIORITY below.
COLUMNS = [
    Column("mark", "", 1, 1),
    Column("name", "Name", 22, 10),
    Column("company", "Company", 22, 12),
    Column("their_time", "Their", 5, 5),
    Column("state", "When", 11, 9),
    Column("attempts", "Att", 3, 3),
    Column("phone", "Phone", 17, 14),
]
PRIORITY = ["mark", "name", "their_time", "state", "attempts", "phone", "company"]
FLEX = ("name", "company")


class QueueTable(ScrollView, can_focus=True, inherit_bindings=False):
    """Rows of the queue with a cursor; posts :class:`QueueTable.Highlighted` as it moves."""

    COMPONENT_CLASSES = {
        "queue-table--header",
        "queue-table--cursor",
        "queue-table--overdue",
        "queue-table--callable",
        "queue-table--waiting",
        "queue-table--loading",
    }

    cursor: reactive[int] = reactive(0, always_update=True, repaint=False)
    _caption_only = False  # while set, a whole-widget refresh repaints the bottom border only

    class Highlighted(Message):
        """The cursor is on ``entry`` (``None``: the queue is empty)."""

        def __init__(self, entry: Any | None, index: int, total: int) -> None:
            super().__init__()
            self.entry = entry
            self.index = index
            self.total = total

    class Loaded(Message):
        """Pages arrived from a worker thread."""

        def __init__(self, generation: int, pages: dict[int, list], total: int, fresh: bool):
            super().__init__()
            self.generation = generation
            self.pages = pages
            self.total = total
            self.fresh = fresh

    class Failed(Message):
        def __init__(self, error: str) -> None:
            super().__init__()
            self.error = error

    def __init__(self, fetch: Fetch, *, now: Callable, zone: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self._fetch = fetch
        self._now = now
        self._zone = zone
        self._pages: dict[int, list] = {}
        self._requested: set[int] = set()
        self._generation = 0
        self._snapshot = None
        self._total = 0
        self._counted = True  # False while _total is only the rows read so far
        self._loaded_once = False
        self._keep_lead: int | None = None
        self._highlighted: Any = None
        self._strips: dict[tuple, Strip] = {}  # rendered rows: (index, cursor, width, minute)

    # -- data ---------------------------------------------------------------------------------

    @property
    def total(self) -> int:
        """Leads in the whole queue (at least; see :attr:`counted`)."""
        return self._total

    @property
    def counted(self) -> bool:
        """Whether :attr:`total` is the queue's count, not just the rows read so far."""
        return self._counted

    @property
    def loaded(self) -> bool:
        """True once the first page has arrived."""
        return self._loaded_once

    def entry_at(self, index: int) -> Any | None:
        page = self._pages.get(index // PAGE)
        if page is None:
            return None
        offset = index % PAGE
        return page[offset] if offset < len(page) else None

    @property
    def entry(self) -> Any | None:
        """The entry under the cursor, when its page is loaded."""
        return self.entry_at(self.cursor)

    def index_of(self, lead_id: int) -> int | None:
        """Where ``lead_id`` is among the loaded pages."""
        for number, page in self._pages.items():
            for offset, entry in enumerate(page):
                if entry.lead_id == lead_id:
                    return number * PAGE + offset
        return None

    def reload(self, *, keep_lead: int | None = None) -> None:
        """Rebuild the queue; the cursor stays on ``keep_lead`` (default: the current lead)."""
        current = self.entry
        self._keep_lead = keep_lead if keep_lead is not None else getattr(current, "lead_id", None)
        self._generation += 1
        self._snapshot = self._now()
        pages = sorted({self.cursor // PAGE, *self._visible_pages()})
        self._requested = set(pages)
        ready = getattr(self._fetch, "ready", None)  # read ahead (the first rebuild, at start)
        found = ready(0, PAGE, self._generation) if ready and pages == [0] else None
        if found is not None:
            self._arrive(self._generation, {0: list(found[0])}, found[1], True)
        else:
            self._load(self._generation, pages, True, self._snapshot)

    def _visible_pages(self) -> set[int]:
        top = int(self.scroll_y)
        bottom = top + max(self.size.height, 1)
        return set(range(top // PAGE, bottom // PAGE + 1))

    def on_mount(self) -> None:
        self.reload()

    def _ensure_pages(self) -> None:
        """Ask for the pages on screen and under the cursor that are not loaded yet."""
        if self._snapshot is None:
            return  # before the first rebuild there is no clock to read the queue at
        wanted = {self.cursor // PAGE, *self._visible_pages()}
        if self._loaded_once:
            last = max(self._total - 1, 0) // PAGE
            wanted = {page for page in wanted if page <= last}
        missing = sorted(wanted - set(self._pages) - self._requested)
        if missing:
            self._requested.update(missing)
            self._load(self._generation, missing, False, self._snapshot)

    @work(thread=True, group="queue")
    def _load(self, generation: int, pages: list[int], fresh: bool, now) -> None:
        try:
            with db_thread():
                loaded, total = {}, 0
                for number in pages:
                    entries, total = self._fetch(number * PAGE, PAGE, now, generation)
                    loaded[number] = list(entries)
        except Exception as exc:  # shown to the rep; the old rows stay on screen
            self.post_message(self.Failed(f"queue: {exc}"))
            return
        self.post_message(self.Loaded(generation, loaded, total, fresh))

    @work(thread=True, group="queue")
    def _count(self, generation: int, now) -> None:
        try:
            with db_thread():
                _, total = self._fetch(0, 0, now, generation)
        except Exception as exc:
            self.post_message(self.Failed(f"queue: {exc}"))
            return
        self.post_message(self.Loaded(generation, {}, total, False))

    def on_queue_table_loaded(self, message: Loaded) -> None:
        message.stop()
        self._arrive(message.generation, message.pages, message.total, message.fresh)

    def _arrive(self, generation: int, pages: dict[int, list], total, fresh: bool) -> None:
        if generation != self._generation:
            return  # a newer rebuild is on its way
        if not pages and total is not None:  # the count, after the rows
            self._total, self._counted = max(total, self._total), True
            self.virtual_size = Size(self.size.width, self._total + 1)
            self.cursor = self.cursor  # the caption follows
            return
        if fresh:
            self._pages = {}
        self._pages.update(pages)
        self._requested -= set(pages)
        read = sum(len(page) for page in self._pages.values())
        if total is None and read < PAGE * len(self._pages):
            total = read  # a page came back short: that is the whole queue
        self._counted = total is not None
        self._total = read if total is None else total
        if total is None:
            self._count(generation, self._snapshot)
        self._loaded_once = True
        self._strips.clear()
        self.virtual_size = Size(self.size.width, self._total + 1)
        target = self.cursor
        if fresh and self._keep_lead is not None:
            found = self.index_of(self._keep_lead)
            if found is not None:
                target = found
            self._keep_lead = None
        self.cursor = min(target, max(self._total - 1, 0))
        self.refresh()

    # -- movement -----------------------------------------------------------------------------

    def watch_cursor(self, old: int, index: int) -> None:
        top = self.scroll_y
        self._scroll_to_cursor()
        self._ensure_pages()
        if self.scroll_y == top:
            # Only the two rows that changed: a keystroke repaints two lines, not the pane.
            for row in {old, index}:
                y = row - int(top) + 1
                if 0 < y < self.size.height:
                    self.refresh(Region(0, y, self.size.width, 1))
        entry = self.entry
        if entry != self._highlighted or entry is None:
            self._highlighted = entry
            if entry is not None or self._loaded_once:
                self.post_message(self.Highlighted(entry, index, self._total))

    def show_place(self, caption: str) -> None:
        """Put ``caption`` (e.g. "3 of 120") in the bottom border, repainting that line only: a
        keystroke that moves the cursor must not redraw every row for a changed counter."""
        if self.border_subtitle == caption:
            return
        self._caption_only = True
        try:
            self.border_subtitle = caption
        finally:
            self._caption_only = False

    def refresh(self, *regions: Region, repaint=True, layout=False, recompose=False):
        if self._caption_only and not regions and not layout and not recompose:
            offset, outer = self.content_offset, self.outer_size
            regions = (Region(-offset.x, outer.height - 1 - offset.y, outer.width, 1),)
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def _row_changed(self) -> None:
        self._strips.clear()
        self.refresh()

    def _scroll_to_cursor(self) -> None:
        rows = max(self.scrollable_content_region.height - 1, 1)  # one line is the header
        top = int(self.scroll_y)
        if self.cursor < top:
            self.scroll_to(y=self.cursor, animate=False, immediate=True)
        elif self.cursor >= top + rows:
            self.scroll_to(y=self.cursor - rows + 1, animate=False, immediate=True)

    def move_to(self, index: int) -> None:
        if self._total:
            self.cursor = max(0, min(index, self._total - 1))

    def action_cursor_down(self) -> None:
        self.move_to(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_to(self.cursor - 1)

    def action_page_down(self) -> None:
        self.move_to(self.cursor + max(self.size.height - 2, 1))

    def action_page_up(self) -> None:
        self.move_to(self.cursor - max(self.size.height - 2, 1))

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(self._total - 1)

    def watch_scroll_y(self, old: float, new: float) -> None:
        super().watch_scroll_y(old, new)
        self._ensure_pages()

    def on_resize(self) -> None:
        self._strips.clear()
        self.virtual_size = Size(self.size.width, self._total + 1)
        self._scroll_to_cursor()
        self._ensure_pages()

    # -- drawing ------------------------------------------------------------------------------

    def layout_columns(self, width: int) -> list[tuple[Column, int]]:
        """The columns that fit ``width`` and their widths; flexible ones share what is left."""
        chosen: list[Column] = []
        used = 0
        for key in PRIORITY:
            column = next(c for c in COLUMNS if c.key == key)
            need = column.min_width + (1 if chosen else 0)
            if used + need > width:
                continue
            chosen.append(column)
            used += need
        ordered = [c for c in COLUMNS if c in chosen]
        widths = {c.key: c.min_width for c in ordered}
        spare = width - used
        for column in ordered:  # grow fixed columns to their natural width first
            if column.key not in FLEX and spare > 0:
                grow = min(column.width - widths[column.key], spare)
                widths[column.key] += grow
                spare -= grow
        flex = [c for c in ordered if c.key in FLEX]
        for column in flex:
            grow = spare // len(flex)
            widths[column.key] += grow
        if flex and spare > 0:
            widths[flex[0].key] += spare - (spare // len(flex)) * len(flex)
        return [(c, widths[c.key]) for c in ordered]

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        columns = self.layout_columns(width)
        if y == 0:
            return self._row_strip(
                [(c, c.title) for c, _ in columns], columns, "queue-table--header"
            )
        index = int(self.scroll_y) + y - 1
        base = self.rich_style
        if index >= self._total:
            if index == 0 and self._loaded_once:
                return self._message_strip("Nothing due: the queue is empty.", width)
            if index == 0:
                return self._message_strip("Loading the queue…", width)
            return Strip.blank(width, base)
        entry = self.entry_at(index)
        if entry is None:
            return self._message_strip("…", width, cursor=index == self.cursor)
        now = self._now()
        key = (index, index == self.cursor, width, int(now.timestamp()) // 60)
        strip = self._strips.get(key)
        if strip is None:
            if len(self._strips) > 512:
                self._strips.clear()
            strip = self._strips[key] = self._entry_strip(entry, index, columns, now)
        return strip

    def _entry_strip(self, entry, index: int, columns, now) -> Strip:
        cells = [(c, self.cell(entry, c.key, now)) for c, _ in columns]
        styles = ["queue-table--callable" if entry.callable_now else "queue-table--waiting"]
        if entry.overdue:
            styles.append("queue-table--overdue")
        if index == self.cursor:
            styles.append("queue-table--cursor")
        return self._row_strip(cells, columns, *styles)

    def cell(self, entry: Any, key: str, now) -> str:
        if key == "mark":
            if entry.callback:
                return "↺"  # a time the prospect gave
            return "!" if entry.overdue else ("●" if entry.callable_now else "○")
        if key == "name":
            return entry.name
        if key == "company":
            return entry.company or ""
        if key == "their_time":
            return text.wall_clock(now, entry.zone)
        if key == "state":
            return text.callable_state(entry, now, self._zone)
        if key == "attempts":
            return str(entry.attempts) if entry.attempts else ""
        if key == "phone":
            return entry.phone_display or "—"
        return ""

    def _row_strip(self, cells, columns, *classes: str) -> Strip:
        style = self.rich_style
        for name in classes:
            style += self.get_component_rich_style(name, partial=True)
        segments = []
        for i, ((_, value), (_, width)) in enumerate(zip(cells, columns, strict=True)):
            if i:
                segments.append(Segment(" ", style))
            cell = text.fit(value, width)
            segments.append(Segment(cell, style))
        strip = Strip(segments)
        return compact(strip.extend_cell_length(self.scrollable_content_region.width, style))

    def _message_strip(self, message: str, width: int, cursor: bool = False) -> Strip:
        style = self.rich_style + self.get_component_rich_style(
            "queue-table--loading", partial=True
        )
        if cursor:
            style += self.get_component_rich_style("queue-table--cursor", partial=True)
        return Strip([Segment(text.fit(message, width), style)]).extend_cell_length(width, style)
