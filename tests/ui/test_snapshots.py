"""Snapshots of the workstation on the seeded demo database at a fixed clock.

Update after an intended change of the screen: ``.venv/bin/pytest tests/ui --snapshot-update``,
then look at the SVGs in ``__snapshots__`` before committing them.
"""

from __future__ import annotations

import pytest

from tests.ui.conftest import context, ready
from tui.app import make_app


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_workstation(snap_compare, demo_db, size):
    async def settle(pilot):
        await ready(pilot)
        await pilot.press("j")
        await ready(pilot)

    assert snap_compare(make_app(context(demo_db)), terminal_size=size, run_before=settle)
