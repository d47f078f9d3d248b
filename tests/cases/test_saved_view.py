"""What ``submit`` hands the window is built from the rows the save wrote (no read-back
transaction, a station's eight round trips): it must equal the case as the store holds it."""

from __future__ import annotations

from datetime import timedelta

import pytest

from clerk.catalog.model import Delivery
from clerk.domain.accounts import Role
from clerk.domain.intake import IntakeDraft, MaterialMark, MaterialStatus, Outcome
from tests.support.drafts import COPY, PERSON, RECEIVED, hygiene, incomplete_hygiene
from tests.support.scans import with_files

BUNDLE = IntakeDraft("T-YJS-CY", PERSON, Delivery.EMS, {},
                     {"id-card": RECEIVED, "hygiene-plan": COPY, "lease-contract": COPY})


@pytest.mark.parametrize(("draft", "outcome"), [
    (hygiene(), Outcome.ACCEPT),
    (incomplete_hygiene(), Outcome.FALLBACK),
    (with_files(hygiene(), id_card=2, lease_contract=1), Outcome.ACCEPT),
    (BUNDLE, Outcome.FALLBACK),
    (with_files(BUNDLE, id_card=1, hygiene_plan=1), Outcome.FALLBACK),
], ids=["accepted", "one-time-notice", "with-scans", "bundle", "bundle-with-scans"])
def test_the_saved_case_is_the_stored_case(service, clock, draft, outcome):
    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    service.submit(clerk, 3, hygiene(), Outcome.ACCEPT)  # another case of the day before it
    kept = clock.now - timedelta(hours=2)  # a visit kept through an outage: received then, saved now
    for received in (None, kept):
        saved = service.submit(clerk, 3, draft, outcome, visit_key=None, received_at=received)
        stored = service.get(saved.number)
        assert saved == stored
        assert saved.children == stored.children and saved.files == stored.files and saved.events == stored.events


def test_a_case_taken_on_commitment_is_saved_as_stored(store, catalog, calendar, clock, cheap_password_hashing):
    """告知承诺: the verification rows the save wrote are in the case it hands back, as stored."""
    from clerk.services.cases import CaseService
    from tests.support.pledges import pledge_catalog

    service = CaseService(store, pledge_catalog(catalog), calendar, clock, hall_code="SF", timezone="Asia/Shanghai")
    clerk = service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")
    pledged = hygiene({"id-card": RECEIVED, "business-licence": COPY, "hygiene-plan": MaterialMark(MaterialStatus.COMMITTED),
                       "lease-contract": COPY})
    saved = service.submit(clerk, 3, pledged, Outcome.ACCEPT, visit_key="p" * 32)
    assert saved.verifications and saved == service.get(saved.number)
    assert saved.verifications == service.get(saved.number).verifications
