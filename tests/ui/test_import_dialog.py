"""The import dialog: opened from the command palette, it shows the mapping and the check's
report, imports on confirmation with progress, and refuses a bad file without writing."""

from __future__ import annotations

import pytest

from models.schema import Lead
from tests.ui.conftest import ready, screen_text, until
from tui.dialogs.import_file import ImportDialog

GOOD = (
    "First Name,Last Name,Company,Phone,Email,Industry,Source\n"
    "Maya,Nakamura,Nakamura Noodle Bar,(212) 555-0150,maya@noodles.example,restaurant,referral\n"
    "Nikhil,Varga,Varga Capital,+1 415 555 0160,nikhil@varga.example,office,Trade Show\n"
    "Olga,Olsen,Olsen Accounting,+47 22 12 34 56,olga@olsen.example,office,web\n"
)
BROKEN = (
    "Name,Phone,Email,Zone\n"
    "Good Lead,+12125550101,good@example.com,\n"
    ",+12125550102,,\n"
    "Bad Email,+12125550103,not-an-email,\n"
    "Bad Zone,+12125550104,,Mars/Olympus\n"
)


async def open_from_palette(pilot) -> ImportDialog:
    app = pilot.app
    await ready(pilot)
    await pilot.press("ctrl+p")
    await pilot.press(*"import leads")
    await until(pilot, lambda: "Import leads from a file" in screen_text(app))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, ImportDialog))
    return app.screen


async def choose(pilot, dialog: ImportDialog, path) -> None:
    dialog.query_one("#import-path").value = str(path)
    await pilot.press("enter")
    await until(pilot, lambda: dialog.stage == "checked", timeout=15)


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
async def test_import_from_the_palette_shows_mapping_then_imports(app, tmp_path, size):
    path = tmp_path / "leads.csv"
    path.write_text(GOOD)
    posted = []
    async with app.run_test(size=size, message_hook=posted.append) as pilot:
        workstation = app.screen
        before = Lead.select().count()
        dialog = await open_from_palette(pilot)
        in_queue = workstation.queue.total  # today's queue, not every lead
        await choose(pilot, dialog, path)
        text = screen_text(app)
        assert "Ready: Enter imports 3 leads." in text
        assert "recognised as: generic sheet" in text and "first_name      ← First Name" in text
        assert Lead.select().count() == before  # the check writes nothing
        await pilot.press("enter")
        await until(pilot, lambda: dialog.stage == "done", timeout=15)
        assert "Done: 3 leads from leads.csv are in." in screen_text(app)
        assert any(isinstance(m, ImportDialog.Progressed) for m in posted)
        maya = Lead.get(Lead.email == "maya@noodles.example")
        assert (maya.phone, maya.zone, maya.source) == (
            "+12125550150",
            "America/New_York",
            "referral",
        )
        assert Lead.get(Lead.name == "Nikhil Varga").source == "shows"
        assert maya.owner_id == app.rep.id
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is workstation)
        await until(pilot, lambda: workstation.queue.total == in_queue + 3)


async def test_a_bad_file_shows_every_problem_and_imports_nothing(app, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text(BROKEN)
    async with app.run_test(size=(80, 24)) as pilot:
        before = Lead.select().count()
        dialog = await open_from_palette(pilot)
        await choose(pilot, dialog, path)
        text = screen_text(app)
        assert "3 rows cannot be imported" in text
        assert "line 3 · Name · no name" in text
        assert "line 4 · Email · 'not-an-email' is not an email address" in text
        assert "line 5 · Zone · 'Mars/Olympus' is not an IANA time zone name" in text
        await pilot.press("enter")  # no import while rows are invalid
        await pilot.pause(0.2)
        assert dialog.stage == "checked" and Lead.select().count() == before
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, ImportDialog))
        assert Lead.select().count() == before
        assert not (tmp_path / "broken.rejects.csv").exists()


async def test_valid_rows_on_request_with_the_rejects_beside_the_file(app, tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text(BROKEN)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_from_palette(pilot)
        await choose(pilot, dialog, path)
        await pilot.press("s")
        await until(pilot, lambda: dialog.stage == "done", timeout=15)
        assert "Done: 1 lead from broken.csv is in." in screen_text(app)
        assert Lead.get(Lead.email == "good@example.com").name == "Good Lead"
        assert (tmp_path / "broken.rejects.csv").read_text().count("\n") == 4  # header + 3


async def test_a_missing_file_is_named_and_the_path_completes(app, tmp_path):
    (tmp_path / "spring-leads.csv").write_text(GOOD)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await open_from_palette(pilot)
        field = dialog.query_one("#import-path")
        field.value = str(tmp_path / "nope.csv")
        await pilot.press("enter")
        await until(pilot, lambda: "no such file" in screen_text(app))
        assert dialog.stage == "file"
        field.value = str(tmp_path / "spr")
        await until(pilot, lambda: field._suggestion.endswith("spring-leads.csv"))
        await pilot.press("tab")
        assert field.value == str(tmp_path / "spring-leads.csv")


async def test_progress_on_a_long_file_and_the_duplicates_policy(app, tmp_path):
    path = tmp_path / "long.csv"
    rows = [f"Lead {i},+1212{2_000_000 + i % 10_000},lead{i}@example.com\n" for i in range(12_000)]
    path.write_text("Name,Phone,Email\n" + "".join(rows))
    shown = []  # (bytes done, file size, progress bar on screen) as each report arrives

    def hook(message) -> None:
        if isinstance(message, ImportDialog.Progressed) and isinstance(app.screen, ImportDialog):
            bar = app.screen.query_one("#import-progress")
            shown.append((message.done, message.total, bar.display))

    async with app.run_test(size=(160, 48), message_hook=hook) as pilot:
        dialog = await open_from_palette(pilot)
        await choose(pilot, dialog, path)
        assert any(0 < done < total and on for done, total, on in shown)
        assert not dialog.query_one("#import-progress").display  # gone once done
        assert "2,000 duplicates to skip" in screen_text(app)
        await pilot.press("d")
        await until(pilot, lambda: "2,000 to update" in screen_text(app), timeout=30)
        assert dialog.duplicates == "update" and dialog.stage == "checked"
