"""The complaint desk: categories, working-day limits across a holiday, 首问负责, dashboard counts."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from clerk.complaint_categories import CategoryError, load_categories
from clerk.domain.accounts import ClerkUser, Role
from clerk.domain.complaints import ComplaintState
from clerk.domain.errors import IntakeError, PermissionDenied
from clerk.services.complaints import ComplaintDesk, ComplaintError

OWNER = ClerkUser("w03", "张三", Role.WINDOW)
OTHER = ClerkUser("w04", "李四", Role.WINDOW)
BOSS = ClerkUser("s01", "钱主任", Role.SUPERVISOR)


@pytest.fixture
def desk(store, calendar, clock):
    from clerk.services.accounts import AccountService

    accounts = AccountService(store, clock)
    for user in (OWNER, OTHER, BOSS):  # the desk acts only for stored, active accounts
        accounts.add(None, user.id, user.name, user.role, "secret1")
    return ComplaintDesk(store, calendar, load_categories(None), clock)


def test_shipped_categories_follow_the_longjing_window():
    cats = load_categories(None)
    assert {n: c.days for n, c in cats.items()} == {"办不了": 5, "不给办": 5, "很难办": 10, "协调办": 0, "简单事项": 0}
    assert cats["协调办"].limit_text == "立即转办"


def test_config_file_table_wins_and_is_validated(tmp_path):
    config = tmp_path / "clerk.toml"
    config.write_text('[complaints.categories]\n"办不了" = 3\n"加急" = { days = 1, hint = "当日" }\n', encoding="utf-8")
    cats = load_categories(config)
    assert [(c.name, c.days) for c in cats.values()] == [("办不了", 3), ("加急", 1)]
    config.write_text('[complaints.categories]\n"办不了" = -1\n', encoding="utf-8")
    with pytest.raises(CategoryError, match="0至60"):
        load_categories(config)


def test_settings_accept_a_complaints_table(tmp_path):
    from clerk.config import load_settings

    config = tmp_path / "clerk.toml"
    config.write_text('timezone = "Asia/Shanghai"\n[complaints.categories]\n"办不了" = 5\n', encoding="utf-8")
    assert load_settings({"CLERK_CONFIG": str(config)}).timezone == "Asia/Shanghai"


def test_limits_count_working_days_across_national_day(desk, clock, calendar):
    clock.now = datetime(2026, 9, 29, 2, 0, tzinfo=UTC)  # Tue 29 Sep 2026, 10:00 Beijing
    assert not any(calendar.is_working_day(date(2026, 10, d)) for d in range(1, 8))
    cannot = desk.log(OWNER, 3, "办不了", "变更登记办不了")
    hard = desk.log(OWNER, 3, "很难办", "材料要求反复变化")
    forward = desk.log(OWNER, 3, "协调办", "需要住建和消防协调")
    # 30 Sep, 8 Oct, 9 Oct, Sat 10 Oct (调休上班), Mon 12 Oct
    assert cannot.due_on == date(2026, 10, 12)
    assert hard.due_on == date(2026, 10, 19)
    assert forward.due_on == date(2026, 9, 29)
    assert cannot.number == "20260929-SF-T001" and hard.number == "20260929-SF-T002"


def test_first_asked_owns_it_until_closed(desk, clock):
    view = desk.log(OWNER, 3, "不给办", "符合条件却不给办", applicant_name="赵六", applicant_phone="13812345678")
    assert view.applicant_phone_masked == "138****5678"
    with pytest.raises(PermissionDenied, match="首问负责"):
        desk.reply(OTHER, view.number, "已处理")
    with pytest.raises(ComplaintError, match="尚未答复"):
        desk.return_visit(OWNER, view.number, "满意", True)
    view = desk.hand_off(OWNER, view.number, "区市场监督管理局", "请5个工作日内回复")
    assert view.state is ComplaintState.HANDED_OFF and view.owner_id == OWNER.id and view.answered_at is None
    view = desk.reply(OWNER, view.number, "已为申请人办理")
    view = desk.return_visit(BOSS, view.number, "申请人表示满意", True)
    assert view.state is ComplaintState.CLOSED
    assert [s.action.value for s in view.steps] == ["登记", "转办", "答复", "回访"]
    assert desk.open_complaints() == []


def test_forward_at_once_is_met_by_the_hand_off(desk):
    view = desk.hand_off(OWNER, desk.log(OWNER, 3, "协调办", "多部门").number, "区住建局")
    assert view.answered_at is not None and not view.overdue_on(date(2026, 12, 31))


def test_unknown_category_and_empty_summary_are_refused(desk):
    with pytest.raises(IntakeError, match="未知的诉求类别"):
        desk.log(OWNER, 3, "乱办", "x")
    with pytest.raises(IntakeError, match="请填写诉求内容"):
        desk.log(OWNER, 3, "办不了", "  ")


def test_overdue_complaints_show_on_the_dashboard(desk, clock, dashboard):
    clock.now = datetime(2026, 11, 16, 2, 0, tzinfo=UTC)  # Mon 16 Nov → due Mon 23 Nov
    late = desk.log(OWNER, 3, "办不了", "一直没答复")
    answered = desk.log(OWNER, 3, "办不了", "已经答复了")
    desk.reply(OWNER, answered.number, "已答复")
    clock.now = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)
    desk.log(OWNER, 3, "很难办", "新登记的")
    assert [c.number for c in desk.overdue()] == [late.number]
    watch = dashboard.deadlines()
    assert (watch.complaints_overdue, watch.complaints_open) == (1, 3)


def test_migration_0004_goes_down_and_up_again(store):
    from sqlalchemy import inspect

    from clerk.store.migrate import current_revision, downgrade, head_revision, upgrade

    downgrade(store, "0003")
    assert current_revision(store) == "0003"
    with store.connection(write=False) as conn:
        assert "complaints" not in inspect(conn).get_table_names()
    assert upgrade(store) == ("0003", head_revision())
    with store.connection(write=False) as conn:
        assert {"complaints", "complaint_steps"} <= set(inspect(conn).get_table_names())
