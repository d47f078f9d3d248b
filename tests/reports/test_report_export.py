"""Daily / monthly reports: figures, CSV, PDF text (pypdf) and the command line."""

from __future__ import annotations

import csv
import io
import os
from datetime import date

import pytest
from pypdf import PdfReader

from clerk.reports.export import report_csv, report_pdf
from clerk.reports.report import daily_report, monthly_report


def test_monthly_report_figures(hall, store):
    report = monthly_report(store, date(2026, 11, 7))
    assert report.period == "2026-11" and report.visits == 11 and report.item_cases == 12
    assert dict((c, n) for c, _, n in report.by_item) == {"T-GGWS-001": 7, "T-JB-003": 3, "T-SP-002": 2}
    assert dict(report.by_department) == {"区卫生健康局": 7, "区市场监督管理局": 5}
    assert dict(report.by_window) == {3: 7, 4: 3, 5: 1}
    assert dict(report.by_outcome) == {"承诺件受理": 6, "即办件办结": 3, "转兜底窗口（一次性告知）": 1, "容缺受理": 1}
    assert dict(report.ratings)["不满意"] == 1 and report.good_rating_share == pytest.approx(2 / 3)
    assert (report.fallback_cases, report.fallback_still_open, report.tolerated_cases) == (1, 1, 1)
    assert report.supply_overdue == 1


def test_on_time_rate_counts_met_promises(hall, service, clock, store):
    from datetime import UTC, datetime

    from clerk.domain.views import Decision
    from clerk.services.desk import DeskService

    office = service.authenticate("b01", "secret1")
    clock.now = datetime(2026, 11, 25, 3, 0, tzinfo=UTC)
    desk = DeskService(service)
    desk.record_decision(office, 30, hall.numbers["overdue"], Decision.APPROVED)  # due 17 Nov: late
    desk.record_decision(office, 30, hall.numbers["due1"], Decision.APPROVED)  # due 26 Nov: on time
    report = daily_report(store, date(2026, 11, 25))
    assert (report.promised_met, report.promised_on_time, report.on_time_rate) == (2, 1, 0.5)
    assert report.visits == 5 and dict(report.by_window) == {3: 4, 5: 1}


def test_csv_and_pdf_carry_the_figures(hall, store):
    report = monthly_report(store, date(2026, 11, 1), hall_name="示范区政务服务中心")
    rows = list(csv.reader(io.StringIO(report_csv(report))))
    assert rows[0] == ["分类", "项目", "数值"]
    assert ["按部门", "区卫生健康局", "7"] in rows and ["概况", "满意率（非常满意+满意）", "66.7%"] in rows
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(report))).pages)
    for expected in ("业务月报（2026-11）", "区卫生健康局", "公共场所卫生许可（新办）", "容缺材料逾期未补", "5号窗口"):
        assert expected in text


@pytest.mark.parametrize("backend", ["sqlite"])
def test_command_line_exports(hall, store, tmp_path, monkeypatch, capsys):
    from clerk.cli import main
    from clerk.config import get_settings

    monkeypatch.setenv("CLERK_DATABASE_URL", store.url)
    monkeypatch.setenv("CLERK_CONFIG", os.devnull)
    get_settings.cache_clear()
    try:
        out_csv, out_pdf = tmp_path / "m.csv", tmp_path / "m.pdf"
        assert main(["report", "monthly", "--month", "2026-11", "--csv", str(out_csv), "--pdf", str(out_pdf)]) == 0
        assert out_csv.read_bytes().startswith(b"\xef\xbb\xbf") and "区卫生健康局,7" in out_csv.read_text("utf-8-sig")
        assert "业务月报（2026-11）" in PdfReader(out_pdf).pages[0].extract_text()
        assert main(["report", "daily", "--date", "2026-11-25"]) == 0
        assert "按窗口,3号窗口,4" in capsys.readouterr().out
        assert main(["report", "daily", "--date", "25/11/2026"]) == 2
        assert "日期格式应为" in capsys.readouterr().err
    finally:
        get_settings.cache_clear()


def test_daily_pdf_carries_the_audit_head_that_verify_accepts_as_anchor(hall, store):
    from clerk.store.audit import parse_anchor, verify_chain

    report = daily_report(store, date(2026, 11, 25), hall_name="示范区政务服务中心")
    seq, digest, at = report.audit_head
    assert at is not None and len(digest) == 64
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(report))).pages)
    assert "审计链头" in text and "主管签字" in text and digest[:16] in text and digest[48:] in text
    printed = f"{seq}:{digest[:16]} {digest[16:32]} {digest[32:48]} {digest[48:]}"  # as a person copies it
    with store.session(write=False) as session:
        assert verify_chain(session, anchor=parse_anchor(printed)).ok
        assert not verify_chain(session, anchor=(seq, "0" * 64)).ok


def _placed_text(pdf: bytes) -> list[tuple[str, float, float, float]]:
    """(text, x, y, size) of every text run, in page coordinates (pypdf's visitor)."""
    placed: list[tuple[str, float, float, float]] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            placed.append((text.strip(), round(x, 1), round(y, 1), round(size * abs(tm[3] or 1) * abs(cm[3] or 1), 1)))

    PdfReader(io.BytesIO(pdf)).pages[0].extract_text(visitor_text=visit)
    return placed


def test_the_department_chart_gives_each_long_chinese_name_its_own_row(hall, store):
    report = monthly_report(store, date(2026, 11, 1))
    small = [(t, x, y) for t, x, y, size in _placed_text(report_pdf(report)) if size <= 7.5]
    rows = {t: y for t, _, y in small if t in dict(report.by_department)}
    assert set(rows) == set(dict(report.by_department))  # every department named in full on the chart
    assert len(set(rows.values())) == len(rows)  # one row each: never printed on top of each other


def test_the_daily_report_measures_waits_and_handling_from_the_tickets(store, service, clock, hall_key_file):
    from datetime import UTC, datetime

    from clerk.config import Settings
    from clerk.domain.accounts import Role
    from clerk.services.tickets import TicketService

    clerk = service.add_user(None, "w99", "叫号员", Role.WINDOW, "secret1")
    tickets = TicketService(store, Settings.defaults(key_file=hall_key_file), None, clock)
    clock.now = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)  # 09:00 in the hall
    for _ in range(3):
        tickets.mark_printed(tickets.take("A").id)
    clock.advance(minutes=10)
    tickets.call_next(clerk, 7)  # A001 waited 10 minutes
    clock.advance(minutes=6)
    tickets.link_cases(clerk, 7, [])  # handled in 6
    clock.advance(minutes=4)
    tickets.call_next(clerk, 7)  # A002 waited 20
    tickets.no_show(clerk, 7)
    report = daily_report(store, date(2026, 11, 25), queue_names={"A": "综合受理"})
    (line,) = report.queues
    assert (line.prefix, line.name, line.tickets, line.called, line.no_shows) == ("A", "综合受理", 3, 2, 1)
    assert (line.mean_wait, line.longest_wait) == (pytest.approx(15.0), pytest.approx(20.0))
    assert report.windows_handling == ((7, 1, pytest.approx(6.0), pytest.approx(6.0)),)
    assert report.by_hour == ((9, 3, pytest.approx(15.0)),)
    rows = list(csv.reader(io.StringIO(report_csv(report))))
    assert ["排队叫号", "A 综合受理 平均等候（分钟）", "15.0"] in rows
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(report))).pages)
    for expected in ("八、排队叫号", "A 综合受理", "09:00—10:00", "7号窗口"):
        assert expected in text
