"""The checklist's page counts at 80×24 (issue 26), a pytest-textual-snapshot picture.

Update with ``pytest tests/tui/test_capture_snapshot.py --snapshot-update`` after looking at it.
"""

from __future__ import annotations

from .test_capture import camera_app, captured, shoot
from .visit import applicant, pick, settle, sign_in


def test_snapshot_checklist_with_page_counts_at_80x24(snap_compare, make_app, settings, tmp_path):
    """The page counts (▣n) at 80×24: a row with two pages, one with one, the name cut after the count."""
    from .test_snapshots import _steady

    folder = tmp_path / "camera"
    app = camera_app(make_app, settings, folder)

    async def run_before(pilot):
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "jszg")
        await applicant(pilot)
        await pilot.press("f4")
        for name, seed in (("a.jpg", 1), ("b.jpg", 2)):
            shoot(folder, name, seed)
            await captured(pilot)
        await pilot.press("1")  # received: the cursor moves on to the next row
        shoot(folder, "c.jpg", 3)
        await captured(pilot)
        await _steady(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_snapshot_page_list_at_80x24(snap_compare, make_app, settings, tmp_path):
    """p on a row with two pages: the page list and its keys at 80×24."""
    from .test_snapshots import _steady

    folder = tmp_path / "camera"
    app = camera_app(make_app, settings, folder)

    async def run_before(pilot):
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "jszg")
        await pilot.press("f4")
        for name, seed in (("a.jpg", 1), ("b.jpg", 2)):
            shoot(folder, name, seed)
            await captured(pilot)
        await pilot.press("p")
        await _steady(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
