"""A supplement brings the arriving materials' scans (captured at the fallback desk, or an online
supplement's file): saved with the supplement or not at all, covered by verify (issue 26)."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from clerk.domain.accounts import Role
from clerk.domain.desk_views import SupplyChannel
from clerk.domain.errors import IntakeError
from clerk.domain.intake import MaterialMark, MaterialStatus, Outcome
from clerk.services.desk import DeskService
from clerk.store.audit import verify_chain
from tests.support.drafts import incomplete_hygiene
from tests.support.scans import material_file

BROUGHT = {"business-licence": MaterialMark(MaterialStatus.COPY, 1), "hygiene-plan": MaterialMark(MaterialStatus.COPY, 1)}


@pytest.fixture
def people(service):
    return (service.add_user(None, "w01", "张三", Role.WINDOW, "secret1"),
            service.add_user(None, "f01", "王兜底", Role.FALLBACK, "secret1"))


def test_a_supplement_saves_the_scans_it_brings(store, service, people):
    window, fallback = people
    number = service.submit(window, 3, incomplete_hygiene(), Outcome.FALLBACK).number
    scans = {"business-licence": material_file("business-licence", 1, shade=70),
             "hygiene-plan": material_file("hygiene-plan", 3, shade=90)}
    view = DeskService(service).log_supplement(fallback, 9, number, BROUGHT, SupplyChannel.ONLINE,
                                               reference="WS-2026-001", files=scans)
    assert [(f.material_key, f.badge) for f in view.files] == [("business-licence", "▣1"), ("hygiene-plan", "▣3")]
    supplement = [e for e in view.events if e.action == "supplement"][-1]
    assert supplement.after["files"]["hygiene-plan"]["sha256"] == scans["hygiene-plan"].sha256
    with store.session(write=False) as session:
        assert verify_chain(session).ok


def test_a_scan_of_a_material_not_on_the_case_saves_nothing(store, service, people):
    window, fallback = people
    number = service.submit(window, 3, incomplete_hygiene(), Outcome.FALLBACK).number
    with pytest.raises(IntakeError, match="passport"):
        DeskService(service).log_supplement(fallback, 9, number, BROUGHT, SupplyChannel.IN_PERSON,
                                            files={"passport": material_file("passport")})
    with store.connection(write=False) as conn:
        assert conn.execute(text("SELECT count(*) FROM material_files")).scalar_one() == 0
        assert conn.execute(text("SELECT count(*) FROM supplement_log")).scalar_one() == 0
