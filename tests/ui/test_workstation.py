"""The workstation as a rep uses it: moving through the queue, reading a lead, keys, sizes."""

from __future__ import annotations

from textual.widgets import TextArea

from models.notes import notes_for
from tests.ui.conftest import ready, screen_text, until


async def test_three_panes_at_80x24_show_the_lead_at_the_cursor(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        screen = app.screen
        text = screen_text(app)
        first = screen.entry
        assert first.name in text
        assert "Benefit statements" in text
        assert "Queue" in text and "Lead" in text
        assert f"1 of {screen.queue.total}" in text
        for region in (screen.queue.region, screen.detail.region):
            assert region.width >= 36 and region.height >= 15


async def test_moving_down_and_up_follows_the_cursor_and_shows_each_lead(app):
    async with app.run_test(size=(160, 48)) as pilot:
        await ready(pilot)
        screen = app.screen
        seen = [screen.entry.lead_id]
        for _ in range(3):
            await pilot.press("j")
            await ready(pilot)
            seen.append(screen.entry.lead_id)
        assert len(set(seen)) == 4
        assert screen.detail.card.lead.id == seen[-1]
        assert screen.detail.card.lead.name in screen_text(app)
        await pilot.press("k", "up")
        await ready(pilot)
        assert screen.entry.lead_id == seen[1]
        await pilot.press("end")
        await ready(pilot)
        assert screen.queue.cursor == screen.queue.total - 1
        assert f"{screen.queue.total} of {screen.queue.total}" in screen_text(app)
        await pilot.press("home")
        await ready(pilot)
        assert screen.entry.lead_id == seen[0]


async def test_benefit_note_is_written_saved_and_shown_first(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        lead_id = app.screen.entry.lead_id
        await pilot.press("b")
        editor = app.screen
        await until(pilot, lambda: editor.loaded)
        assert "Benefit statement" in screen_text(app)
        await pilot.press(*"Halves their no-show rate")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen is not editor)
        await ready(pilot)
        benefits = [n.body for n in notes_for(lead_id) if n.kind == "benefit"]
        assert "Halves their no-show rate" in benefits
        assert "• Halves their no-show rate" in screen_text(app)


async def test_typing_straight_after_n_loses_nothing_and_keeps_the_old_draft(app, demo_db):
    """A fast typist presses n and types at once, maybe before the stored draft has been read
    (on a busy box it often is not yet): every key is kept, after the draft it goes on."""
    from models.notes import get_draft, save_draft

    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        lead_id = app.screen.entry.lead_id
        save_draft(lead_id, "Wants a quote", kind="general", author=app.rep, now=app.now())
        await pilot.press("n", *"by Friday")  # no waiting for the editor to be ready
        editor = app.screen
        await until(pilot, lambda: editor.loaded)
        text = editor.query_one(TextArea).text
        assert text.replace("\n", "") == "Wants a quoteby Friday"  # a new line if typed early
        await until(pilot, lambda: get_draft(lead_id, app.rep).body == text, timeout=2.0)


async def test_draft_is_autosaved_while_typing_and_restored_on_reopen(app, demo_db):
    from models.notes import get_draft

    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        lead_id = app.screen.entry.lead_id
        await pilot.press("n")
        editor = app.screen
        await until(pilot, lambda: editor.loaded)
        await pilot.press(*"Call back after lunch")
        # Autosaved within a second, with the editor still open.
        await until(
            pilot,
            lambda: (
                (d := get_draft(lead_id, app.rep)) is not None and d.body == "Call back after lunch"
            ),
            timeout=1.0,
        )
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is not editor)
        await ready(pilot)
        assert "Unsaved general draft" in screen_text(app)
        await pilot.press("n")
        editor = app.screen
        await until(pilot, lambda: editor.loaded)
        assert editor.query_one(TextArea).text == "Call back after lunch"
        assert "Restored your unsaved draft" in screen_text(app)
        # Emptying the editor and closing leaves no draft behind.
        await pilot.press("ctrl+a", "ctrl+k")
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is not editor)
    assert get_draft(lead_id, app.rep) is None
    assert notes_for(lead_id) == notes_for(lead_id)  # nothing published by closing


async def test_help_lists_every_binding_with_its_id(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        workstation = app.screen
        await pilot.press("question_mark")
        await until(pilot, lambda: app.screen is not workstation)
        help_screen = app.screen
        ids = {action.id for action in help_screen._actions}
        for binding in type(workstation).BINDINGS:
            assert binding.id in ids
        assert {"help", "quit", "command_palette"} <= ids
        shown = screen_text(app)
        assert "Id (for [keymap])" in shown
        # Textual's own keys (tab moves the focus) have no id a keymap could name.
        (tab,) = [line for line in shown.splitlines() if "Focus Next" in line]
        assert "focus_next" not in tab
        assert "outcome_no_answer" in shown
        await pilot.press("escape")
        assert app.screen is workstation


async def test_command_palette_runs_an_action(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        workstation = app.screen
        first = workstation.entry.lead_id
        await pilot.press("ctrl+p")
        await until(pilot, lambda: app.screen is not workstation)
        await pilot.press(*"next lead")
        await pilot.pause(0.3)
        assert "Next" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: app.screen is workstation)
        await ready(pilot)
        assert workstation.entry.lead_id != first
        assert workstation.queue.cursor == 1


async def test_keymap_from_settings_remaps_a_key(demo_db, config_file):
    from tests.ui.conftest import context
    from tui.app import make_app

    config_file.write_text('[keymap]\nnext_lead = "s"\n')
    app = make_app(context(demo_db))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("j")
        await pilot.pause(0.1)
        assert app.screen.queue.cursor == 0
        await pilot.press("s")
        await ready(pilot)
        assert app.screen.queue.cursor == 1
        assert "s Next lead" in screen_text(app).splitlines()[-1]


async def test_keymap_naming_an_unknown_id_is_reported(demo_db, config_file):
    from tests.ui.conftest import context
    from tui.app import make_app

    config_file.write_text('[keymap]\nnext_lead = "s"\nnxt_lead = "x"\n')
    app = make_app(context(demo_db))
    async with app.run_test(size=(120, 30)) as pilot:
        await ready(pilot)
        await pilot.pause(0.2)
        (warning,) = [n.message for n in app._notifications]
        assert "[keymap]: no key has the id nxt_lead;" in warning
        assert "next_lead" not in warning.replace("nxt_lead", "")
        await pilot.press("s")  # the known id is still remapped
        await ready(pilot)
        assert app.screen.queue.cursor == 1


async def test_resize_from_200x60_down_to_80x24_keeps_everything_usable(app):
    async with app.run_test(size=(200, 60)) as pilot:
        await ready(pilot)
        screen = app.screen
        await pilot.press("j", "j")
        await ready(pilot)
        lead = screen.entry
        wide = screen_text(app)
        assert "Company" in wide and "Phone" in wide
        await pilot.resize_terminal(80, 24)
        await pilot.pause(0.2)
        narrow = screen_text(app)
        assert len(narrow.splitlines()) == 24
        assert max(len(line) for line in narrow.splitlines()) <= 80
        assert screen.entry is lead
        assert lead.name in narrow
        assert "Benefit statements" in narrow
        assert f"3 of {screen.queue.total}" in narrow
        await pilot.press("j")
        await ready(pilot)
        assert screen.queue.cursor == 3


async def test_copy_phone_uses_the_clipboard(app):
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("c")
        assert app.clipboard == app.screen.entry.phone
        assert app.clipboard.startswith("+")


async def test_terminal_theme_uses_the_terminals_palette(demo_db, config_file):
    from tests.ui.conftest import context
    from tui.app import make_app

    config_file.write_text('theme = "terminal"\n')
    app = make_app(context(demo_db))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.theme == "terminal"
        assert app.current_theme.ansi


async def test_unknown_theme_is_a_clear_error(demo_db, config_file):
    import pytest

    from models.errors import CallqError
    from tests.ui.conftest import context
    from tui.app import make_app

    config_file.write_text('theme = "neon"\n')
    with pytest.raises(CallqError, match="theme 'neon' is unknown"):
        make_app(context(demo_db))


async def test_no_color_still_marks_overdue_rows(demo_db, monkeypatch):
    from tests.ui.conftest import context
    from tui.app import make_app

    monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(context(demo_db))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        assert app.no_color
        rows = screen_text(app).splitlines()
        overdue = [row for row in rows if row.lstrip("│╭ ").startswith("!")]
        assert overdue, "overdue rows carry a ! even without colour"


async def test_reopening_after_a_crash_goes_back_to_the_unsaved_note(demo_db):
    from models.db import close_database, open_database
    from models.notes import save_draft
    from models.queue import build_queue
    from models.reps import current_rep
    from tests.conftest import NOW
    from tests.ui.conftest import context
    from tui.app import make_app

    open_database(demo_db)
    rep = current_rep("ana")
    fourth = build_queue(rep, now=NOW, limit=4)[3]
    save_draft(fourth.lead_id, "Half a thought about their", author=rep, now=NOW)
    close_database()
    app = make_app(context(demo_db))
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: app.screen.queue.cursor == 3)
        await ready(pilot)
        assert app.screen.entry.lead_id == fourth.lead_id
        assert "Unsaved general draft" in screen_text(app)
        assert any(f"unsaved note on {fourth.name}" in n.message for n in app._notifications)


async def test_a_queue_longer_than_a_page_is_counted_after_its_first_rows(tmp_path):
    """The first rows come before the count (counting a big queue costs more than a page): the
    caption says "at least" until the count arrives, then the whole queue is reachable."""
    from models.db import close_database, open_database
    from models.demo import build_demo
    from models.queue import QueueView
    from models.reps import current_rep
    from tests.conftest import NOW
    from tests.ui.conftest import context
    from tui.app import make_app

    path = tmp_path / "big.db"
    open_database(path)
    build_demo(leads=400, rep=current_rep("ana", now=NOW), now=NOW, seed=3)
    expected = len(QueueView(current_rep("ana", now=NOW), now=NOW))
    close_database()
    assert expected > 100  # more than the first page

    app = make_app(context(path))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        queue = app.screen.queue
        await until(pilot, lambda: queue.counted)
        assert queue.total == expected
        await until(pilot, lambda: f"1of{expected}─" in screen_text(app).replace(" ", ""))
        await pilot.press("end")
        await ready(pilot)
        assert queue.cursor == expected - 1
        assert f"{expected}of{expected}" in screen_text(app).replace(" ", "")


async def test_names_with_brackets_show_as_typed_and_never_break_the_screen(demo_db):
    """Square brackets are Textual's markup: "[CFO]" would vanish and "[/]" would crash the
    workstation as soon as an outcome dialog or a notification named the lead."""
    from models.db import close_database, open_database
    from models.schema import Lead
    from tests.ui.conftest import context
    from tui.app import make_app
    from tui.dialogs.note_editor import NoteEditor
    from tui.dialogs.outcome import OutcomeDialog

    name = "Bad [/] Name [CFO]"
    open_database(demo_db)
    Lead.update(name=name).execute()
    close_database()
    app = make_app(context(demo_db))
    async with app.run_test(size=(80, 24)) as pilot:
        await ready(pilot)
        await pilot.press("1")
        await until(pilot, lambda: isinstance(app.screen, OutcomeDialog))
        assert f"No answer — {name}" in screen_text(app)
        await pilot.press("enter")
        await until(pilot, lambda: any(name in n.message for n in app._notifications))
        await ready(pilot)
        await pilot.press("n")
        await until(pilot, lambda: isinstance(app.screen, NoteEditor))
        assert f"Note on {name}" in screen_text(app)
        await pilot.press("escape")
