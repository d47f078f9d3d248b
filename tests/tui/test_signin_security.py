"""Sign-in at the window: lock-out after repeated failures, and the first-sign-in password change."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from clerk.domain.accounts import Role

from .support import CLERK_ID, CLERK_PASSWORD, screen_text
from .visit import settle, typed


def _events(case_service, actor: str) -> list[tuple[str, dict]]:
    from sqlalchemy import select

    from clerk.store.tables import AuditEvent

    with case_service.store.session(write=False) as session:
        rows = session.execute(select(AuditEvent).where(AuditEvent.actor == actor).order_by(AuditEvent.seq))
        return [(row.action, row.after or {}) for (row,) in rows]


async def _attempt(pilot, clerk_id: str, password: str, window: str = "7") -> None:
    screen = pilot.app.screen
    for name, value in (("clerk-id", clerk_id), ("password", password), ("window", window)):
        field = screen.query_one(f"#{name}", Input)
        field.value = ""
        field.focus()
        await pilot.press(*typed(value))
    await pilot.press("f10")
    await settle(pilot)


@pytest.mark.asyncio
async def test_five_wrong_passwords_lock_the_account_even_against_the_right_one(make_app, case_service):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for _ in range(4):
            await _attempt(pilot, CLERK_ID, "wrong-guess")
            assert "工号或密码不正确" in screen_text(app)
        await _attempt(pilot, CLERK_ID, "wrong-guess")
        assert "账号已锁定至 10:15" in screen_text(app)  # FIXED_NOW is 10:00 in Beijing
        await _attempt(pilot, CLERK_ID, CLERK_PASSWORD)
        assert app.user is None
        assert "账号已锁定至 10:15" in screen_text(app)
    actions = [action for action, _ in _events(case_service, CLERK_ID)]
    assert actions == ["sign_in_failed"] * 5 + ["account_locked", "sign_in_failed"]
    assert all(after.get("via") == "window" for _, after in _events(case_service, CLERK_ID))


@pytest.mark.asyncio
async def test_an_unknown_id_locks_like_a_real_one(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        for _ in range(5):
            await _attempt(pilot, "x404", "wrong-guess")
        assert "账号已锁定至" in screen_text(app)


@pytest.mark.asyncio
async def test_lockout_follows_the_configured_count(make_app, settings, case_service):
    from dataclasses import replace

    app = make_app(settings_=replace(settings, lockout_attempts=2, lockout_minutes=30))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await _attempt(pilot, CLERK_ID, "wrong-guess")
        assert "工号或密码不正确" in screen_text(app)
        await _attempt(pilot, CLERK_ID, "wrong-guess")
        assert "账号已锁定至 10:30" in screen_text(app)


@pytest.mark.asyncio
async def test_an_initial_password_is_changed_before_the_clerk_gets_in(make_app, case_service):
    from clerk.domain.errors import AuthenticationFailed

    case_service.add_user(None, "1001", "王芳", Role.WINDOW, "clerk123", must_change=True)
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await _attempt(pilot, "1001", "clerk123")
        assert app.user is None
        screen = app.screen
        assert screen.query_one("#new-password-box").display
        assert screen.focused is screen.query_one("#new-password", Input)
        assert "须先设置新密码" in screen_text(app)
        # twice, and the two must agree
        await pilot.press(*typed("Hall#2026x"), "enter", *typed("Hall#2026y"), "enter")
        await settle(pilot)
        assert app.user is None and "两次输入的新密码不一致" in screen_text(app)
        # the rule is the store's: too weak is refused with the reason
        await pilot.press(*typed("abcdefgh"), "enter", *typed("abcdefgh"), "enter")
        await settle(pilot)
        assert app.user is None and "至少3类" in screen_text(app)
        await pilot.press(*typed("Hall#2026x"), "enter", *typed("Hall#2026x"), "enter")
        await settle(pilot)
        assert app.user is not None and app.user.id == "1001"
    assert case_service.authenticate("1001", "Hall#2026x").name == "王芳"
    with pytest.raises(AuthenticationFailed):
        case_service.authenticate("1001", "clerk123")
    actions = [action for action, _ in _events(case_service, "1001")]
    assert actions[-4:] == ["password_changed", "sign_in", "sign_in", "sign_in_failed"]


@pytest.mark.asyncio
async def test_at_80_columns_and_24_rows_each_new_password_field_is_on_screen_when_it_has_the_focus(
        make_app, case_service):
    """Seen at 80x24: the confirmation field was below the dialog's edge, typed into unseen."""
    case_service.add_user(None, "1001", "王芳", Role.WINDOW, "clerk123", must_change=True)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await _attempt(pilot, "1001", "clerk123")
        screen = app.screen
        for name in ("new-password", "new-password-again"):
            field = screen.query_one(f"#{name}", Input)
            field.focus()
            await settle(pilot)
            x, y = field.region.offset
            assert field.region.height and 0 <= y < 24 - 2, (name, field.region)  # above banner and footer
            assert screen.get_widget_at(x, y)[0] is field, name
        screen.query_one("#new-password", Input).focus()
        await pilot.press(*typed("Hall#2026x"), "enter", *typed("Hall#2026x"), "enter")
        await settle(pilot)
        assert app.user is not None and app.user.id == "1001"


@pytest.mark.asyncio
async def test_accounts_made_without_the_flag_sign_in_as_before(make_app):
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await _attempt(pilot, CLERK_ID, CLERK_PASSWORD)
        assert app.user is not None and app.user.id == CLERK_ID


@pytest.mark.asyncio
async def test_a_disabled_account_cannot_sign_in_at_the_window(make_app, case_service, clock):
    case_service.accounts.set_active(None, CLERK_ID, False)  # no administrator here: the first-setup path
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(pilot)
        await _attempt(pilot, CLERK_ID, CLERK_PASSWORD)
        assert app.user is None and "工号或密码不正确，或账号已停用" in screen_text(app)
