"""The same applicant and item saved minutes ago (issue 23, low): said before a second case is made.

Seen: a visit whose kept copy was cleared was typed again and became a second case.
``CaseService.recent_visit`` finds the earlier case (masked) so the window can warn;
it is a warning, not a refusal.  SQLite and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from clerk.domain.accounts import Role
from clerk.domain.errors import PermissionDenied
from clerk.domain.intake import Outcome
from clerk.services.cases import REPEAT_MINUTES
from clerk.services.visits import new_visit_key
from tests.support.drafts import PERSON, hygiene


@pytest.fixture
def clerk(service):
    return service.add_user(None, "w01", "张三", Role.WINDOW, "secret1")


def test_a_case_for_the_same_applicant_and_item_minutes_ago_is_found(service, clerk, clock):
    first = service.submit(clerk, 3, hygiene(), Outcome.ACCEPT, visit_key=new_visit_key())
    clock.advance(minutes=REPEAT_MINUTES - 1)
    again = hygiene(applicant=replace(PERSON, id_number=PERSON.id_number.lower(), name="王五 "))  # typed again
    found = service.recent_visit(clerk, again, new_visit_key())
    assert found is not None and found.number == first.number and found.window == 3
    assert PERSON.id_number not in found.applicant_id_masked  # masked: no unmasked read without a view event


def test_the_same_visit_another_applicant_or_item_or_an_older_case_is_not_reported(service, clerk, clock):
    key = new_visit_key()
    service.submit(clerk, 3, hygiene(), Outcome.ACCEPT, visit_key=key)
    assert service.recent_visit(clerk, hygiene(), key) is None  # its own save (F10 again): one case per key anyway
    other = replace(PERSON, id_number="110101199003071234")
    assert service.recent_visit(clerk, hygiene(applicant=other), new_visit_key()) is None
    assert service.recent_visit(clerk, replace(hygiene(), code="370112-JYTY-003"), new_visit_key()) is None
    clock.advance(minutes=REPEAT_MINUTES + 1)
    assert service.recent_visit(clerk, hygiene(), new_visit_key()) is None


def test_only_an_intake_role_may_ask(service, clerk):
    service.submit(clerk, 3, hygiene(), Outcome.ACCEPT, visit_key=new_visit_key())
    mail = service.add_user(None, "m01", "赵邮", Role.MAILROOM, "secret1")
    with pytest.raises(PermissionDenied):
        service.recent_visit(mail, hygiene(), new_visit_key())
