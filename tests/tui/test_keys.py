"""Key map remapping, the command palette and the help screen."""

from __future__ import annotations

import pytest

from clerk.binding_ids import BINDING_IDS

from .support import screen_text
from .visit import PERSON, applicant, pick, settle, sign_in

pytestmark = pytest.mark.asyncio


@pytest.mark.slow
async def test_a_hall_can_remap_finish(make_app):
    app = make_app(keymap={"intake.finish": "f12"})
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "370112-JYTY-003")
        await applicant(pilot, PERSON)
        await pilot.press("f10")
        await settle(pilot)
        assert type(app.screen).__name__ == "IntakeScreen"
        await pilot.press("f12")
        await settle(pilot)
        assert type(app.screen).__name__ == "OutcomeScreen"
        await pilot.press("escape", "f1")
        await settle(pilot)
        assert "f12" in screen_text(app)  # the help screen shows the hall's key


async def test_command_palette_runs_clerk_actions(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert type(app.screen).__name__ == "ClerkCommandPalette"
        await pilot.press(*"查询")
        await settle(pilot)
        assert "查询（f5）" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "LookupScreen"


async def test_every_binding_has_an_id(make_app):
    from clerk.tui.launch import known_binding_ids
    from clerk.tui.screens.help import key_map_rows

    rows = key_map_rows({}, type(make_app()))
    assert {r[3] for r in rows} == known_binding_ids()
    assert known_binding_ids() == BINDING_IDS  # the ids the config file may name, UI-free
    assert {"intake.finish", "checklist.tolerated", "lookup.reprint", "clerk.lookup"} <= known_binding_ids()


async def test_launch_reads_the_keymap_from_the_config_file(tmp_path, monkeypatch):
    from clerk.tui.launch import make_app as launch_app

    config = tmp_path / "clerk.toml"
    config.write_text('window = 5\n[keymap]\n"intake.finish" = "f12"\n', encoding="utf-8")
    env = {"CLERK_CONFIG": str(config), "CLERK_HOME": str(tmp_path / "home")}
    app = launch_app([], env)
    assert app.keymap == {"intake.finish": "f12"}
    assert app.window_number == 5
