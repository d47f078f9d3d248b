"""``clerk demo``: a realistic day written through the services."""

from __future__ import annotations

import os
from datetime import date

import pytest

from clerk.domain.accounts import Role


@pytest.mark.slow
def test_a_demo_day_has_every_outcome_and_follow_up_and_a_sound_audit_chain(tmp_path, monkeypatch, capsys,
                                                                            cheap_password_hashing):
    from sqlalchemy import text

    from clerk.cli import main
    from clerk.config import get_settings
    from clerk.store.audit import verify_chain
    from clerk.store.engine import Store

    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CLERK_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    assert main(["demo", "--day", "2026-11-20", "--visits", "150"]) == 0
    out = capsys.readouterr().out
    assert "2026-11-20" in out and "150 人次" in out and "未能完成" not in out

    store = Store.from_settings(get_settings())
    with store.connection(write=False) as conn:
        outcomes = {row[0] for row in conn.execute(text("SELECT DISTINCT outcome FROM cases"))}
        bundles = conn.execute(text("SELECT count(*) FROM cases WHERE parent_id IS NOT NULL")).scalar_one()
        days = {row[0][:10] for row in conn.execute(text("SELECT received_at FROM cases"))}
        complaints = conn.execute(text("SELECT count(*) FROM complaints")).scalar_one()
        actions = {row[0] for row in conn.execute(text("SELECT DISTINCT action FROM audit_events"))}
        pledges = dict(conn.execute(text("SELECT state, count(*) FROM verifications GROUP BY state")).all())
        versions = {row[0] for row in conn.execute(text("SELECT DISTINCT catalog_version FROM cases"))}
    with store.session(write=False) as session:
        assert verify_chain(session).ok
    store.dispose()
    assert main(["demo", "--visits", "5"]) == 1  # never mixed into a store holding cases
    assert "已有" in capsys.readouterr().err
    get_settings.cache_clear()
    assert {"accept", "tolerate", "fallback", "reject"} <= outcomes
    assert bundles > 0 and complaints > 0
    assert days == {"2026-11-20"}
    assert {"intake", "supplement", "decide", "mail_hand_over", "mail_deliver", "pick_up", "rate",
            "complaint_log", "complaint_hand_off"} <= actions, actions
    from clerk.catalog import load_catalog

    settings = get_settings()  # the windows read the hall's catalog and the other regions' list: one version
    assert versions == {load_catalog(settings.catalog_dir, settings.cross_region_catalog).version}
    assert sum(pledges.values()) > 0 and "verify" in actions, pledges  # 告知承诺: taken, and verified


def test_demo_arguments_are_checked(capsys):
    from clerk.cli import main

    for argv in (["demo", "--day", "2026-13-01"], ["demo", "--day", "9999-12-31"], ["demo", "--visits", "0"],
                 ["demo", "--visits", "x"]):
        with pytest.raises(SystemExit) as exc:
            main(argv)
        assert exc.value.code == 2
    assert "来访人次" in capsys.readouterr().err
    assert date(2026, 11, 20).weekday() == 4  # the default day is a Friday: a working day


def test_a_demo_day_with_the_newborn_bundle_names_the_child(tmp_path, cheap_password_hashing, hall_key_file):

    from sqlalchemy import select

    from clerk.config import Settings
    from clerk.ops.demo import fill_day
    from clerk.store.engine import Store
    from clerk.store.tables import CaseRow

    settings = Settings.defaults(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'clerk.db'}",
                       receipts_dir=tmp_path / "receipts", key_file=hall_key_file)
    summary = fill_day(settings, date(2026, 11, 20), 40, seed=3)  # seed 3 takes in a 新生儿出生“一件事”
    assert summary.refused == []
    with Store.from_settings(settings).session(write=False) as session:
        names = session.execute(select(CaseRow.child_name).where(CaseRow.code == "YJS-XSE")).scalars().all()
    assert names and all(names)


def test_demo_needs_an_administrator_once_the_store_has_one_and_its_staff_change_their_password(
        tmp_path, monkeypatch, capsys, cheap_password_hashing):
    """Issue 23: `clerk demo` added accounts with no sign-in, and 1003–1006 signed in with clerk123 at once."""
    from clerk.cli import main
    from clerk.config import get_settings
    from clerk.domain.errors import PasswordChangeRequired
    from clerk.services.accounts import AccountService
    from clerk.store.engine import Store
    from clerk.store.signin import SignIn
    from tests.support.accounts import as_admin, ready_admin

    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("CLERK_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    assert main(["setup"]) == 0
    store = Store.from_settings(get_settings())
    ready_admin(store)
    capsys.readouterr()
    assert main(["demo", "--visits", "3"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "须由系统管理员登录" in err[0]
    from clerk.domain.clock import now_utc

    accounts = AccountService(store, now_utc)
    assert accounts.active_with_role(Role.WINDOW) == 2  # 1003–1006 were not added

    assert as_admin(monkeypatch, ["demo", "--visits", "3"]) == 0
    assert accounts.active_with_role(Role.WINDOW) == 6
    for clerk_id in ("1003", "1006", "2001"):
        with pytest.raises(PasswordChangeRequired):
            SignIn(store, now_utc).authenticate(clerk_id, "clerk123")
    store.dispose()
    get_settings.cache_clear()


def test_a_demo_day_takes_calls_and_serves_tickets_as_the_hall_does(tmp_path, cheap_password_hashing, hall_key_file):
    """The applicants of a demo day took tickets (some with their ID card), were called and served
    at a window serving the queue, a few did not come (过号); every window visit's case is on its
    ticket, and the day's report has its 排队叫号 figures (it had none: the demo took no tickets)."""
    from sqlalchemy import select

    from clerk.config import Settings
    from clerk.ops.demo import fill_day
    from clerk.reports.export import report_rows
    from clerk.reports.report import daily_report
    from clerk.store.engine import Store
    from clerk.store.tables import CaseRow
    from clerk.store.tables_tickets import TicketHolderRow, TicketRow

    day = date(2026, 11, 20)
    settings = Settings.defaults(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'clerk.db'}",
                                 receipts_dir=tmp_path / "receipts", key_file=hall_key_file)
    summary = fill_day(settings, day, 60, seed=11)
    assert summary.refused == []
    store = Store.from_settings(settings)
    with store.session(write=False) as session:
        tickets = session.execute(select(TicketRow)).scalars().all()
        cases = set(session.execute(select(CaseRow.number).where(CaseRow.parent_id.is_(None))).scalars())
        holders = set(session.execute(select(TicketHolderRow.ticket_id)).scalars())
    states = {t.state for t in tickets}
    assert {"done"} <= states and states <= {"done", "no_show"}, states
    linked = {number for t in tickets for number in (t.case_numbers or [])}
    assert linked and linked <= cases
    assert 0 < len(holders) < len(tickets)  # some swiped their ID card at the kiosk, some did not
    assert "no_show" in states
    assert all(t.taken_at <= t.last_called_at <= (t.finished_at or t.no_show_at) for t in tickets)
    queued = [row for row in report_rows(daily_report(store, day, timezone=settings.timezone)) if row[0] == "排队叫号"]
    taken = sum(int(value) for _, label, value in queued if label.endswith(" 取号"))
    assert taken == len(tickets) > 0
