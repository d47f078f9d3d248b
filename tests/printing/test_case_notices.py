"""From a stored case to the paper: the notice follows the case (容缺, bundles)."""

from __future__ import annotations

from datetime import date

import pytest

from clerk.config import Settings
from clerk.integration.printing import notice_data_from_case
from clerk.printing import NoticeKind, render
from tests.printing.conftest import HALL, pdf_text
from tests.support.drafts import PERSON, hygiene

SETTINGS = Settings.defaults(font_path="", hall=HALL, timezone="Asia/Shanghai")


def test_a_tolerated_case_prints_what_is_owed_not_complete(service, users):
    from clerk.domain.intake import MaterialMark, MaterialStatus, Outcome

    late = MaterialMark(MaterialStatus.TOLERATED, supply_by=date(2026, 11, 30))
    view = service.submit(users["window"], 3, hygiene(dict(hygiene().marks, **{"business-licence": late})),
                          Outcome.TOLERATE)
    data = notice_data_from_case(view, SETTINGS)
    assert data.tolerated and not data.materials_complete
    text = pdf_text(render(NoticeKind.PROMISED, data, "a4", SETTINGS))
    assert "申请材料齐全" not in text and "予以容缺受理" in text
    assert data.tolerated[0].name in text


def test_a_complete_case_says_so(service, users):
    from clerk.domain.intake import Outcome

    view = service.submit(users["window"], 3, hygiene(), Outcome.ACCEPT)
    data = notice_data_from_case(view, SETTINGS)
    assert data.complete is True
    assert "申请材料齐全、符合法定形式" in pdf_text(render(NoticeKind.PROMISED, data, "a4", SETTINGS))


def test_a_bundle_prints_each_item_with_its_own_number_and_state(service, users):
    from clerk.catalog.model import Delivery
    from clerk.domain.intake import IntakeDraft, MaterialMark, MaterialStatus, Outcome

    got, copy = MaterialMark(MaterialStatus.ORIGINAL), MaterialMark(MaterialStatus.COPY)
    draft = IntakeDraft("T-YJS-CY", PERSON, Delivery.EMS, {},
                        {"id-card": got, "hygiene-plan": copy, "lease-contract": copy})
    view = service.submit(users["window"], 3, draft, Outcome.FALLBACK)
    from clerk.domain.desk_views import SupplyChannel
    from clerk.services.desk import DeskService

    view = DeskService(service).log_supplement(users["fallback"], 9, view.number,
                                               {"business-licence": copy, "food-layout": got},
                                               SupplyChannel.IN_PERSON)
    data = notice_data_from_case(view, SETTINGS)
    assert [(i.number, i.state) for i in data.items] == [(c.number, c.state.value) for c in view.children]
    assert all(i.due_date == c.promised_due.date for i, c in zip(data.items, view.children))
    text = pdf_text(render(NoticeKind.PROMISED, data, "a4", SETTINGS))
    for child in view.children:
        assert f"{child.number}已受理{child.promised_due.date.year}年" in text
    assert "一件事一次办，共2项事项" in text


def test_alternatives_missing_are_one_thing_to_bring_on_the_one_time_notice(service, users):
    """A lease or a property certificate (either will do): one numbered entry, said to be a choice,
    not two materials the applicant would think both wanted (seen on 居住证申领's three proofs)."""
    from clerk.domain.intake import MaterialMark, MaterialStatus, Outcome

    missing = MaterialMark(MaterialStatus.MISSING)
    marks = {"id-card": MaterialMark(MaterialStatus.ORIGINAL, 1), "business-licence": missing,
             "hygiene-plan": MaterialMark(MaterialStatus.COPY, 1), "lease-contract": missing,
             "property-certificate": missing}
    view = service.submit(users["window"], 3, hygiene(marks), Outcome.FALLBACK)
    again = service.get(view.number)  # as stored: the notice is reprinted the same
    assert [ln.choice for ln in again.one_time_notice] == ["", "premises", "premises"]
    text = pdf_text(render(NoticeKind.ONE_TIME, notice_data_from_case(again, SETTINGS), "a4", SETTINGS))
    flat = text.replace("\n", "").replace(" ", "")
    assert "需补正的材料（共2项）1.营业执照" in flat
    assert "2.以下2种材料提交其中一种即可（1）房屋租赁合同" in flat and "（2）不动产权证书" in flat
