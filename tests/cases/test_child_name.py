"""The newborn bundle records the child's name: checked like other names, kept on the
bundle's case and each item's case, and printed on the notices."""

from __future__ import annotations

from dataclasses import replace

import pytest

from clerk.catalog.model import Delivery
from clerk.config import Settings
from clerk.domain.errors import IntakeError
from clerk.domain.intake import IntakeDraft, MaterialMark, MaterialStatus, Outcome, child_name_problems
from clerk.shipped import shipped_path
from tests.printing.conftest import HALL, pdf_text
from tests.support.drafts import PERSON, hygiene

NEWBORN = "YJS-XSE"


@pytest.fixture(scope="module")
def shipped():
    from clerk.catalog import load_catalog

    return load_catalog(shipped_path("catalog"))


@pytest.fixture
def hall(store, shipped, calendar, clock, cheap_password_hashing):
    from clerk.domain.accounts import Role
    from clerk.services.cases import CaseService

    service = CaseService(store, shipped, calendar, clock, hall_code="SF", timezone="Asia/Shanghai")
    return service, service.add_user(None, "w01", "w01", Role.WINDOW, "secret1")


def newborn(shipped, child_name: str = "") -> IntakeDraft:
    answers = {s.key: s.default.label for s in shipped.situations(NEWBORN)}
    checklist = shipped.checklist(NEWBORN, answers)
    marks = {e.material.key: MaterialMark(MaterialStatus.ORIGINAL, e.material.copies) for e in checklist.entries}
    return IntakeDraft(NEWBORN, PERSON, Delivery.PICKUP, answers, marks, child_name=child_name)


def test_the_newborn_bundle_asks_for_the_name_and_no_other_does(shipped):
    assert shipped.bundles[NEWBORN].child_name
    assert not any(b.child_name for code, b in shipped.bundles.items() if code != NEWBORN)


def test_the_name_is_checked_like_other_names():
    assert child_name_problems("王小宝", asked=True) == []
    assert child_name_problems("", asked=True) == ["请填写新生儿姓名"]
    assert child_name_problems("", asked=True, required=False) == []
    assert "控制字符" in child_name_problems("王\x1b[31m宝", asked=True)[0]
    assert "过长" in child_name_problems("宝" * 101, asked=True)[0]
    assert child_name_problems("王小宝", asked=False) == ["本事项不登记新生儿姓名"]


def test_an_accepted_newborn_visit_keeps_the_name_on_every_case_and_notice(hall, shipped):
    from clerk.integration.printing import notice_data_from_case
    from clerk.printing import NoticeKind, render

    service, user = hall
    with pytest.raises(IntakeError, match="请填写新生儿姓名"):
        service.submit(user, 3, newborn(shipped), Outcome.ACCEPT)
    view = service.submit(user, 3, newborn(shipped, " 王小宝 "), Outcome.ACCEPT)
    stored = service.get(view.number)
    assert stored.child_name == "王小宝"
    assert len(stored.children) == 5 and {c.child_name for c in stored.children} == {"王小宝"}
    settings = Settings.defaults(font_path="", hall=HALL, timezone="Asia/Shanghai")
    text = pdf_text(render(NoticeKind.PROMISED, notice_data_from_case(stored, settings), "a4", settings))
    assert "新生儿姓名" in text and "王小宝" in text


def test_a_bad_name_or_a_name_on_another_item_writes_nothing(hall, shipped):
    service, user = hall
    with pytest.raises(IntakeError, match="控制字符"):
        service.submit(user, 3, newborn(shipped, "王\x07宝"), Outcome.ACCEPT)
    with pytest.raises(IntakeError, match="本事项不登记新生儿姓名"):
        service.submit(user, 3, replace(hygiene(), code="370112-WSJK-001", child_name="王小宝"), Outcome.FALLBACK)
    assert service.find("王五") == []


def test_a_visit_sent_to_the_fallback_desk_may_come_before_the_name(hall, shipped):
    service, user = hall
    draft = newborn(shipped)
    first = next(iter(draft.marks))
    draft = replace(draft, marks={**draft.marks, first: MaterialMark(MaterialStatus.MISSING)})
    view = service.submit(user, 3, draft, Outcome.FALLBACK)
    assert service.get(view.number).child_name == ""
