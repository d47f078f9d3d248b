"""Snapshots at 80×24 of every screen a clerk uses (pytest-textual-snapshot).

Deterministic like ``test_snapshots``: the fixed clock of conftest, a fresh
store, no user config, TZ fixed, no blinking cursor.  A 60-character company
name is in the queues on purpose: it must end in “…”, not push columns away.
Update with ``pytest tests/tui/test_snapshots_narrow.py --snapshot-update``
after looking at the new pictures.
"""

from __future__ import annotations

from .support import CLERK_ID, CLERK_PASSWORD
from .test_roles import sign_in_as
from .test_scan_and_lookup import saved_case
from .test_snapshots import _steady
from .visit import PERSON, applicant, pick, settle, sign_in, typed

NARROW = (80, 24)
LONG_NAME = "济南市历城区示范新材料科技研发与智能制造产业园区综合开发建设运营管理有限责任公司第一分公司"


def long_named_case(case_service, catalog, outcome: str = "fallback") -> str:
    from clerk.catalog.model import Delivery
    from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus, Outcome

    user = case_service.authenticate(CLERK_ID, CLERK_PASSWORD)
    code = "370112-JYTY-003"
    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, 1) for e in catalog.checklist(code).entries}
    if outcome == "fallback":
        marks["photo"] = MaterialMark(MaterialStatus.MISSING)
    org = Applicant(ApplicantKind.ORG, LONG_NAME, "91350100M000100Y43", "13812345678",
                    "济南市历城区山大路100号示范新材料产业园区综合服务中心三楼东侧302室")
    draft = IntakeDraft(code, org, Delivery.EMS, {}, marks)
    return case_service.submit(user, 7, draft, Outcome.FALLBACK if outcome == "fallback" else Outcome.ACCEPT).number


def test_sign_in(snap_compare, make_app):
    assert snap_compare(make_app(), terminal_size=NARROW, run_before=_steady)


def test_intake_mid_visit(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "370112-WSJK-006")
        await applicant(pilot, (PERSON[0], PERSON[1], "1381234567", ""))
        await pilot.press("f4", "1", "2", "3")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)


def test_tolerate_date_prompt(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "370112-ZJJ-001")
        await pilot.press("f4")
        table = pilot.app.screen.query_one("#checklist")
        table.move_cursor(row=table.get_row_index("drawing-review-commitment"))
        await pilot.press("4", "ctrl+u", "2", "0", "enter")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)


def test_bundle_confirmation(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "xsecs")
        await applicant(pilot)
        await pilot.press(*"王小宝")  # 新生儿姓名
        await pilot.press("f4", "a", "f10")
        await settle(pilot)
        await pilot.press("1")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)


def test_newborn_bundle_with_the_childs_name(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "xsecs")
        await applicant(pilot)
        await pilot.press(*"王小宝")  # 新生儿姓名, under the applicant's address
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)


def test_help(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("f1")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)


def test_quit_question(snap_compare, make_app):
    async def run_before(pilot):
        await settle(pilot)
        await sign_in(pilot)
        await pick(pilot, "370112-JYTY-003")
        await pilot.press(*"张三", "ctrl+q")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)


def test_lookup_and_reprint_question(snap_compare, make_app, case_service, catalog):
    number = long_named_case(case_service, catalog)

    async def run_before(pilot):
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("f5", *typed(number), "enter")
        await settle(pilot)
        await pilot.press("f9")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)


def test_fallback_queue_with_a_long_name(snap_compare, make_app, case_service, catalog, staff):
    long_named_case(case_service, catalog)

    async def run_before(pilot):
        await settle(pilot)
        await sign_in_as(pilot, "2001")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)


def test_fallback_supplement_with_a_captured_page(snap_compare, make_app, case_service, catalog, staff, tmp_path):
    """The arriving photo attached from a file (issue 26): 本次▣1 on its row, ticked, before F10."""
    from tests.support.pictures import picture

    number = long_named_case(case_service, catalog)
    upload = tmp_path / "photo.jpg"
    upload.write_bytes(picture(seed=3))

    async def run_before(pilot):
        await settle(pilot)
        await sign_in_as(pilot, "2001")
        await pilot.press("f2", *typed(number), "enter")
        await settle(pilot)
        await pilot.press("f", *typed(str(upload)), "enter")
        await settle(pilot)
        assert pilot.app.screen.pages, pilot.app.screen.query_one("#banner").text
        await pilot.press("space")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)


def test_mail_queue_with_a_long_name(snap_compare, make_app, case_service, catalog, staff):
    from clerk.domain.views import Decision
    from clerk.services.desk import DeskService

    number = long_named_case(case_service, catalog, "accept")
    DeskService(case_service).record_decision(staff["office"], 1, number, Decision.APPROVED)

    async def run_before(pilot):
        await settle(pilot)
        await sign_in_as(pilot, "3001")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)


def test_results_screen(snap_compare, make_app, case_service, catalog, staff):
    number = saved_case(case_service, catalog)

    async def run_before(pilot):
        await settle(pilot)
        await sign_in_as(pilot, "2001")
        await pilot.press("ctrl+r")
        await settle(pilot)
        await pilot.press(*typed(number), "enter")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)


def test_rating_screen(snap_compare, make_app, case_service, catalog, staff):
    from clerk.domain.views import Rating
    from clerk.services.desk import DeskService

    number = long_named_case(case_service, catalog, "accept")
    DeskService(case_service).rate(staff["boss"], 1, number, Rating.DISSATISFIED, "等候时间太长，窗口只开了一个，排队一个多小时")

    async def run_before(pilot):
        await settle(pilot)
        await sign_in_as(pilot, "2001")
        await pilot.press("ctrl+o")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)


def test_complaints_with_the_category_list_open(snap_compare, make_app, staff):
    async def run_before(pilot):
        await settle(pilot)
        await sign_in(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        pilot.app.screen.query_one("#complaint-category").focus()
        await pilot.press("enter")
        await _steady(pilot)

    assert snap_compare(make_app(), terminal_size=NARROW, run_before=run_before)
