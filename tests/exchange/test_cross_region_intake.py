"""At the 跨域通办 window (issue 29): a case for another region's item records where it was taken
in (收件地) and where it is decided (办理地), promises the handling region's limit plus the
transfer time in this hall's working days, prints both halls and the handling body's phone, and
goes to the catalog's 办理地 with `clerk exchange export` without naming it again."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from clerk.config import Settings
from clerk.domain.accounts import Role
from clerk.domain.intake import MaterialMark, MaterialStatus, Outcome
from clerk.domain.lifecycle import CaseState
from clerk.domain.notices import NoticeKind
from clerk.domain.views import CrossRegion, DeadlineKind
from clerk.exchange.errors import ExchangeError
from clerk.integration.printing import notice_data_from_case
from clerk.printing import render
from tests.printing.conftest import HALL, pdf_text
from tests.printing.pdfcheck import assert_on_paper
from tests.support.accounts import PASSWORD
from tests.support.cross_region import MEDICAL_FILING, NANSHAN_BODY, NANSHAN_PHONE, medical_filing, with_regions
from tests.support.drafts import MISSING
from tests.support.exchange import HALL_A, HALL_B, issue_notices, store_state

SETTINGS = Settings.defaults(font_path="", hall=HALL, timezone="Asia/Shanghai")
TODAY = date(2026, 11, 25)  # the tests' clock: Wednesday


@pytest.fixture(scope="module")
def regions():
    return with_regions()


@pytest.fixture
def window(store, regions, calendar, clock, cheap_password_hashing):
    from clerk.services.cases import CaseService

    cases = CaseService(store, regions, calendar, clock, hall_code="GX", timezone="Asia/Shanghai", hall_id=HALL_A)
    return cases, cases.add_user(None, "w01", "张三", Role.WINDOW, PASSWORD)


def _link(cases, number):
    from clerk.store.tables import CaseRow
    from clerk.store.tables_exchange import ExchangeCaseRow

    with cases.store.session(write=False) as session:
        row = session.execute(select(ExchangeCaseRow).join(CaseRow, CaseRow.id == ExchangeCaseRow.case_id)
                              .where(CaseRow.number == number)).scalar_one()
        return row.taken_in_hall, row.deciding_hall, row.ref_number, row.remote_number


def test_the_promise_is_the_handling_limit_plus_the_transfer(window, calendar):
    cases, clerk = window
    view = cases.submit(clerk, 3, medical_filing(), Outcome.ACCEPT)
    assert view.state is CaseState.ACCEPTED and view.code == MEDICAL_FILING and view.item_kind == "承诺件"
    promised = view.deadline(DeadlineKind.PROMISED)
    assert promised.due.date == calendar.add_working_days(TODAY, 2 + 3).date  # Nanshan's 2 + the alliance's 3
    assert promised.due.date > calendar.add_working_days(TODAY, 2).date
    assert view.cross_region == CrossRegion(HALL_A, HALL_B)
    assert view.cross_region.line() == f"跨域通办：收件地 {HALL_A} → 办理地 {HALL_B}"
    assert _link(cases, view.number) == (HALL_A, HALL_B, view.number, None)
    (intake,) = [e for e in view.events if e.action == "intake"]
    assert intake.after["cross_region"] == {"taken_in": HALL_A, "deciding": HALL_B}
    assert [n.kind for n in view.notices] == [NoticeKind.PROMISED]

    data = notice_data_from_case(view, SETTINGS, catalog=cases.catalog)
    pdf = render(NoticeKind.PROMISED, data, "a4", SETTINGS)
    text = pdf_text(pdf)
    for said in (f"由{HALL.name}收件（收件地）", f"{NANSHAN_BODY}审批办理（办理地）", "受理后3个工作日内将申请材料移交办理地",
                 "办理地承诺时限为2个工作日", "承诺在5个工作日内办结", f"办理地电话：{NANSHAN_PHONE}",
                 f"收件地：{HALL.name}", f"办理地：{NANSHAN_BODY}", "办理地地址：深圳市南山区南头街道"):
        assert said in text, said
    assert_on_paper(pdf)


def test_a_local_item_prints_no_other_hall(service, users):
    from tests.support.drafts import hygiene

    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    assert view.cross_region is None
    assert notice_data_from_case(view, SETTINGS, catalog=service.catalog).cross_region is None


def test_tolerance_and_the_one_time_notice_work_as_for_local_items(window):
    cases, clerk = window
    owed = MaterialMark(MaterialStatus.TOLERATED, supply_by=date(2026, 11, 27))
    tolerated = cases.submit(clerk, 3, medical_filing(dict(medical_filing().marks, **{"ky-medical-residence": owed})),
                             Outcome.TOLERATE)
    assert tolerated.state is CaseState.TOLERATED and tolerated.cross_region == CrossRegion(HALL_A, HALL_B)
    assert NoticeKind.COMMITMENT in [n.kind for n in tolerated.notices]
    text = pdf_text(render(NoticeKind.PROMISED, notice_data_from_case(tolerated, SETTINGS, catalog=cases.catalog),
                           "a4", SETTINGS))
    assert "予以容缺受理" in text and f"{NANSHAN_BODY}审批办理（办理地）" in text

    incomplete = cases.submit(clerk, 3, medical_filing(dict(medical_filing().marks, **{"ky-id-card": MISSING})),
                              Outcome.FALLBACK)
    assert incomplete.state is CaseState.INCOMPLETE and [ln.key for ln in incomplete.one_time_notice] == ["ky-id-card"]
    pdf = render(NoticeKind.ONE_TIME, notice_data_from_case(incomplete, SETTINGS, catalog=cases.catalog), "a4",
                 SETTINGS)
    text = pdf_text(pdf)
    assert f"由{NANSHAN_BODY}审批办理（办理地，电话{NANSHAN_PHONE}）" in text and "申请人居民身份证" in text
    assert f"仍在{HALL.name}（收件地）提交" in text
    assert_on_paper(pdf)


@pytest.fixture(scope="module")
def catalog(regions):
    """Both halls of ``two_halls`` know the other regions' items (hall B: they are its own there)."""
    return regions


pairs = pytest.mark.postgres


@pairs
def test_export_goes_to_the_catalogs_hall_without_naming_it(two_halls, tmp_path):
    a, b = two_halls  # hall A's CaseService has no hall_id: the link says 本大厅 until the export
    taken = a.cases.submit(a.users["window"], 3, medical_filing(), Outcome.ACCEPT)
    assert taken.cross_region == CrossRegion("本大厅", HALL_B)
    issue_notices(a, taken.number, tmp_path / "a-notices")

    before = store_state(a.store)
    with pytest.raises(ExchangeError, match=f"受理时的办理地是 {HALL_B}，不能改为移交 310115-浦东新区市民中心"):
        a.exchange.export(a.users["window"], 3, taken.number, to="310115-浦东新区市民中心")
    assert store_state(a.store) == before

    handed = a.exchange.export(a.users["window"], 3, taken.number)
    assert (handed.kind, handed.receiver, handed.sequence) == ("case", HALL_B, 1)
    assert _link(a.cases, taken.number) == (HALL_A, HALL_B, taken.number, None)
    arrived = b.exchange.import_packet(b.users["window"], 5, handed.data)
    at_b = b.cases.get(arrived.number)
    assert at_b.code == MEDICAL_FILING and at_b.cross_region == CrossRegion(HALL_A, HALL_B, taken.number)
    assert at_b.deadline(DeadlineKind.PROMISED).due == taken.deadline(DeadlineKind.PROMISED).due


@pairs
def test_clerk_exchange_export_names_no_receiver_for_another_regions_item(two_halls, monkeypatch, tmp_path, capsys):
    from tests.exchange.test_cli import as_clerk, at

    a, _b = two_halls
    taken = a.cases.submit(a.users["window"], 3, medical_filing(), Outcome.ACCEPT)
    at(monkeypatch, tmp_path, a, a.hall_id, a.folder)
    packet = tmp_path / "out" / "case.zip"
    status, errors, out = as_clerk(monkeypatch, capsys, ["exchange", "export", taken.number, "-o", str(packet)])
    assert status == 0, errors
    assert f"已导出办件：{packet}（发往 {HALL_B}" in out
    assert _link(a.cases, taken.number) == (HALL_A, HALL_B, taken.number, None)
