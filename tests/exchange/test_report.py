"""The daily report counts each partner hall's 跨域通办 packets: cases handed over and taken over,
statuses sent back and received (issue 29), in its CSV rows and its PDF."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader

from clerk.domain.intake import Outcome
from clerk.domain.views import Decision
from clerk.reports.export import report_pdf, report_rows
from clerk.reports.report import daily_report
from tests.support.drafts import hygiene
from tests.support.exchange import HALL_A, HALL_B

pytestmark = pytest.mark.postgres

DAY = date(2026, 11, 25)  # the test clock's day


def test_the_daily_report_counts_packets_by_partner_hall(two_halls):
    a, b = two_halls
    for _ in range(2):
        taken = a.cases.submit(a.users["window"], 3, hygiene(), Outcome.ACCEPT)
        arrived = b.exchange.import_packet(b.users["window"], 5, a.exchange.export(
            a.users["window"], 3, taken.number, to=HALL_B).data)
        b.desk.record_decision(b.users["office"], 30, arrived.number, Decision.APPROVED)
        a.exchange.import_packet(a.users["window"], 3, b.exchange.export(b.users["window"], 5, arrived.number).data)

    at_a = daily_report(a.store, DAY, hall_name="高新区政务服务中心")
    assert at_a.cross_region == ((HALL_B, 2, 0, 0, 2),)
    assert ("跨域通办", HALL_B, "移交 2，接收 0，发回办理状态 0，收到办理状态 2") in report_rows(at_a)
    assert daily_report(b.store, DAY).cross_region == ((HALL_A, 0, 2, 2, 0),)
    assert daily_report(a.store, date(2026, 11, 24)).cross_region == ()
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(report_pdf(at_a))).pages)
    assert "跨域通办" in text and "收到办理状态" in "".join(text.split()) and HALL_B in "".join(text.split())
