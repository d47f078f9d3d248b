"""Catalog limits in calendar days and months: loaded, counted, stored and printed in their unit."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from clerk.catalog import CatalogError, LimitUnit, TimeLimit, load_catalog
from clerk.catalog.model import Delivery
from clerk.domain.deadlines import limit_due_date, make_deadline, supply_by
from clerk.domain.intake import IntakeDraft, Outcome
from clerk.domain.views import DeadlineKind
from tests.support.drafts import PERSON, RECEIVED

UNITS_YAML = """\
materials:
  - {key: id-card, name: 身份证, form: 原件, copies: 1, requirement: 原件。}
items:
  - code: "U-DAYS"
    name: 自然日事项
    department: 区民政局
    kind: 承诺件
    statutory_days: 30
    statutory_unit: 自然日
    promised_days: 15
    promised_unit: 自然日
    fee: 不收费
    result: 证书
    delivery: [窗口领取]
    phone: 0531-88888888
    materials: [{ref: id-card}]
  - code: "U-MONTH"
    name: 按月事项
    department: 区民政局
    kind: 承诺件
    statutory_days: 3
    statutory_unit: 月
    promised_days: 1
    promised_unit: 月
    fee: 不收费
    result: 证书
    delivery: [窗口领取]
    phone: 0531-88888888
    materials: [{ref: id-card}]
  - code: "U-WORK"
    name: 工作日事项
    department: 区民政局
    kind: 承诺件
    statutory_days: 20
    promised_days: 5
    fee: 不收费
    result: 证书
    delivery: [窗口领取]
    phone: 0531-88888888
    materials: [{ref: id-card}]
"""


@pytest.fixture(scope="module")
def unit_catalog(tmp_path_factory):
    path = tmp_path_factory.mktemp("units") / "units.yaml"
    path.write_text(UNITS_YAML, encoding="utf-8")
    return load_catalog(path)


@pytest.fixture
def unit_service(store, unit_catalog, calendar, clock, cheap_password_hashing):
    from clerk.domain.accounts import Role
    from clerk.services.cases import CaseService

    clock.now = datetime(2026, 1, 31, 2, 0, tzinfo=UTC)  # Saturday 2026-01-31, 10:00 in Beijing
    service = CaseService(store, unit_catalog, calendar, clock, hall_code="SF", timezone="Asia/Shanghai")
    service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    return service


def test_units_load_from_the_yaml_and_default_to_working_days(unit_catalog):
    assert unit_catalog.items["U-DAYS"].promised == TimeLimit(15, LimitUnit.CALENDAR_DAYS)
    assert unit_catalog.items["U-MONTH"].statutory == TimeLimit(3, LimitUnit.MONTHS)
    assert unit_catalog.items["U-WORK"].promised == TimeLimit(5, LimitUnit.WORKING_DAYS)
    assert str(TimeLimit(15, LimitUnit.CALENDAR_DAYS)) == "15 日（自然日）"


def test_bad_units_are_reported_with_their_line(tmp_path: Path):
    path = tmp_path / "bad.yaml"
    text = (UNITS_YAML.replace("    statutory_unit: 自然日\n", "    statutory_unit: 天\n")
            .replace("    statutory_days: 3\n    statutory_unit: 月\n", "    statutory_days: 1\n    statutory_unit: 自然日\n"))
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError) as caught:
        load_catalog(path)
    problems = [str(p) for p in caught.value.problems]
    lines = text.splitlines()
    unit_line = lines.index("    statutory_unit: 天") + 1
    assert f"{path}:{unit_line}: 事项 U-DAYS 的 statutory_unit 只能是 工作日 | 自然日 | 月 | 即办，实际是 '天'" in problems
    month_line = [n for n, line in enumerate(lines, 1) if line == "    promised_days: 1"][0]
    assert f"{path}:{month_line}: 事项 U-MONTH 的承诺时限（1 个月）超过法定时限（1 日（自然日））" in problems


def test_limit_due_date_in_each_unit(calendar):
    start = date(2026, 1, 31)
    assert limit_due_date(calendar, start, TimeLimit(5)).date == date(2026, 2, 6)
    # 15 calendar days end 2026-02-15, in the Spring Festival (02-15..02-23): the 24th.
    assert limit_due_date(calendar, start, TimeLimit(15, LimitUnit.CALENDAR_DAYS)).date == date(2026, 2, 24)
    # One month from the 31st: February's last day, a make-up working Saturday.
    assert limit_due_date(calendar, start, TimeLimit(1, LimitUnit.MONTHS)).date == date(2026, 2, 28)
    assert limit_due_date(calendar, start, TimeLimit(0, LimitUnit.IMMEDIATE)).date == start
    deadline = make_deadline(calendar, DeadlineKind.PROMISED, start, TimeLimit(15, LimitUnit.CALENDAR_DAYS))
    assert (deadline.unit, deadline.working_days, deadline.due.date) == (LimitUnit.CALENDAR_DAYS, 15, date(2026, 2, 24))


def test_a_supply_by_date_is_capped_by_a_calendar_day_promise(calendar):
    limit = TimeLimit(15, LimitUnit.CALENDAR_DAYS)
    due, reason = supply_by(calendar, date(2026, 1, 31), "2026-02-25", limit)
    assert due is None and reason == ("补交日期不能晚于承诺办结日期：本事项承诺 15 日（自然日）办结，"
                                      "最晚可约定 2026-02-24")
    due, reason = supply_by(calendar, date(2026, 1, 31), "2026-02-24", limit)
    assert due.date == date(2026, 2, 24) and reason == ""


def draft(code: str) -> IntakeDraft:
    return IntakeDraft(code, PERSON, Delivery.PICKUP, {}, {"id-card": RECEIVED})


def test_an_accepted_case_is_promised_in_the_items_unit_and_keeps_it(unit_service, store):
    from sqlalchemy import select

    from clerk.store.tables import DeadlineRow

    user = unit_service.account("w01")
    days = unit_service.submit(user, 3, draft("U-DAYS"), Outcome.ACCEPT)
    month = unit_service.submit(user, 3, draft("U-MONTH"), Outcome.ACCEPT)
    work = unit_service.submit(user, 3, draft("U-WORK"), Outcome.ACCEPT)
    assert days.promised_due.date == date(2026, 2, 24)
    assert month.promised_due.date == date(2026, 2, 28)
    assert work.promised_due.date == date(2026, 2, 6)
    promised = {v.number: next(d for d in v.deadlines if d.kind is DeadlineKind.PROMISED) for v in (days, month, work)}
    assert promised[days.number].limit == TimeLimit(15, LimitUnit.CALENDAR_DAYS)
    assert unit_service.get(days.number).deadlines == days.deadlines  # read back from the store
    with store.session(write=False) as session:
        units = dict(session.execute(select(DeadlineRow.working_days, DeadlineRow.unit)).all())
    # Working days are stored as NULL: rows written before units existed read (and digest) the same.
    assert units == {15: "自然日", 1: "月", 5: None}
    assert unit_service.recompute_provisional_deadlines() == 0
    assert unit_service.get(month.number).promised_due.date == date(2026, 2, 28)
