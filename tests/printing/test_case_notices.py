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
