"""Dates on the 容缺 papers and the confirmation (#30 items 6, 7, 10): the count shown beside a
date agrees with it, a provisional date is marked 暂定 wherever it is printed, and a 补打 of the
容缺承诺书 reproduces what was signed."""

from __future__ import annotations

from datetime import UTC, date, datetime

from rich.console import Console

from clerk.config import Settings
from clerk.domain.desk_views import SupplyChannel
from clerk.domain.intake import MaterialMark, MaterialStatus, Outcome
from clerk.domain.lifecycle import CaseState
from clerk.integration.printing import notice_data_from_case
from clerk.printing import NoticeKind, render
from clerk.services.desk import DeskService
from tests.printing.conftest import HALL, pdf_text
from tests.support.drafts import COPY, hygiene

SETTINGS = Settings.defaults(font_path="", hall=HALL, timezone="Asia/Shanghai")


def tolerated(supply_by: date):
    marks = dict(hygiene().marks, **{"business-licence": MaterialMark(MaterialStatus.TOLERATED, supply_by=supply_by)})
    return hygiene(marks)


def confirmation_text(draft, preview) -> str:
    from clerk.tui.screens.finish import describe_preview

    console = Console(width=200, record=True, file=open("/dev/null", "w"))
    console.print(describe_preview(draft, Outcome.TOLERATE, "", preview, None))
    return console.export_text()


def test_the_confirmation_counts_the_days_to_the_supply_date_it_shows(service):
    # Wed 2026-11-25; Mon 11-30 is 3 working days away (26, 27, 30); the item promises 5.
    draft = tolerated(date(2026, 11, 30))
    text = confirmation_text(draft, service.preview(draft, Outcome.TOLERATE))
    assert "容缺材料补齐期限：2026年11月30日（3 个工作日）" in text
    assert "承诺办结时间：2026年12月02日（5 个工作日）" in text


def test_a_provisional_supply_date_is_marked_on_the_commitment_and_the_notice(service, users, clock):
    clock.now = datetime(2026, 12, 28, 2, 0, tzinfo=UTC)  # Monday; the promise (5 days) reaches 2027
    view = service.submit(users["window"], 3, tolerated(date(2027, 1, 4)), Outcome.TOLERATE)
    supply = next(d for d in view.deadlines if d.kind.value == "supply_by")
    assert supply.due.provisional and supply.due.date == date(2027, 1, 4)
    data = notice_data_from_case(view, SETTINGS)
    signed = pdf_text(render(NoticeKind.COMMITMENT, data, "a4", SETTINGS))
    assert "营业执照（2027年1月4日前补交，日期暂定）" in signed
    assert "最迟2027年1月4日前（暂定）" in signed and "2027年度节假日安排" in signed
    notice = pdf_text(render(NoticeKind.PROMISED, data, "a4", SETTINGS))
    assert "须于2027年1月4日前（暂定）补交" in notice
    assert "营业执照2027年1月4日前（暂定）" in notice  # the 容缺 table's row


def test_a_supply_date_within_a_published_year_is_not_marked(service, users):
    view = service.submit(users["window"], 3, tolerated(date(2026, 11, 30)), Outcome.TOLERATE)
    data = notice_data_from_case(view, SETTINGS)
    signed = pdf_text(render(NoticeKind.COMMITMENT, data, "a4", SETTINGS))
    assert "营业执照（2026年11月30日前补交）" in signed and "暂定" not in signed


def test_a_reprinted_commitment_lists_what_was_signed_after_the_material_arrived(service, users):
    view = service.submit(users["window"], 3, tolerated(date(2026, 11, 30)), Outcome.TOLERATE)
    after = DeskService(service).log_supplement(users["fallback"], 9, view.number, {"business-licence": COPY},
                                                SupplyChannel.IN_PERSON)
    assert after.state is CaseState.ACCEPTED
    service.reprint(users["window"], 3, view.number, NoticeKind.COMMITMENT)
    reprint = service.get(view.number)
    data = notice_data_from_case(reprint, SETTINGS)
    assert not data.tolerated  # nothing is owed any more
    signed = pdf_text(render(NoticeKind.COMMITMENT, data, "a4", SETTINGS))
    assert "容缺材料（共1项）" in signed and "营业执照（2026年11月30日前补交）" in signed


def test_clerk_print_commitment_after_the_material_arrived_reprints_what_was_signed(tmp_path, monkeypatch, capsys):
    """The same, through ``clerk print CASE --kind commitment`` on a store set up by ``clerk setup``."""
    import io
    import os

    from clerk.calendar import WorkCalendar
    from clerk.cli import main
    from clerk.config import load_settings
    from clerk.services.cases import CaseService
    from tests.conftest import FIXTURES

    for var in ("CLERK_FONT", "CLERK_PRINTER", "CLERK_PAPER", "CLERK_WINDOW", "CLERK_DATABASE_URL"):
        monkeypatch.delenv(var, raising=False)
    log = tmp_path / "printed.log"
    stub = tmp_path / "lp-stub.sh"
    stub.write_text(f'#!/bin/sh\necho "$1" >> {log}\n')
    stub.chmod(0o755)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    monkeypatch.setenv("CLERK_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLERK_CATALOG_DIR", str(FIXTURES / "catalog"))
    monkeypatch.setenv("CLERK_RECEIPTS_DIR", str(tmp_path / "receipts"))
    monkeypatch.setenv("CLERK_PRINT_COMMAND", str(stub))
    assert main(["setup"]) == 0
    cases = CaseService.from_settings(load_settings())
    clerk = cases.authenticate("1001", "clerk123", new_password="Window#2026")
    supply_by = WorkCalendar.load().add_working_days(cases.today(), 2).date
    view = cases.submit(clerk, 3, tolerated(supply_by), Outcome.TOLERATE)
    from clerk.integration.printing import CasePrinter

    assert [r.ok for r in CasePrinter(load_settings()).print_case(cases, view.number, clerk, 3)] == [True, True]
    log.unlink()  # the applicant signed and took the papers
    DeskService(cases).log_supplement(clerk, 3, view.number, {"business-licence": COPY}, SupplyChannel.IN_PERSON)
    capsys.readouterr()

    monkeypatch.setattr("sys.stdin", io.StringIO("Window#2026\n"))
    assert main(["print", view.number, "--kind", "commitment", "--clerk", "1001", "--window", "3",
                 "--password-stdin"]) == 0
    (path,) = log.read_text().split()
    signed = pdf_text(open(path, "rb").read())
    assert "补打" in signed and "容缺材料（共1项）" in signed
    assert f"营业执照（{supply_by.year}年{supply_by.month}月{supply_by.day}日前补交" in signed
