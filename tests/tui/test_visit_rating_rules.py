"""The rating at the end of a ticket's visit (clerk.services.visit_rating): only for a ticket
finished at this window, soon after its call, once per case; the 好差评 desk still refuses a
clerk rating their own case."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.tickets import printed

from .support import CLERK_ID, CLERK_PASSWORD, FIXED_NOW
from .test_scan_and_lookup import saved_case


class Clock:
    def __init__(self) -> None:
        self.now = FIXED_NOW

    def __call__(self):
        return self.now


@pytest.fixture
def visit(case_service, settings, catalog):
    """A ticket called at window 3 whose visit produced one case (by the same clerk)."""
    from clerk.services.tickets import TicketService

    clock = Clock()
    tickets = TicketService(case_service.store, settings, catalog, clock)
    ticket = printed(tickets, "A")
    clerk = case_service.authenticate(CLERK_ID, CLERK_PASSWORD)
    tickets.call_next(clerk, 3)
    number = saved_case(case_service, catalog)
    return tickets, clerk, ticket, number, clock


def test_a_visit_not_finished_yet_cannot_be_rated(visit, case_service):
    from clerk.domain.errors import ServiceError
    from clerk.services.visit_rating import rate_visit

    tickets, clerk, ticket, number, _ = visit
    with pytest.raises(ServiceError, match="尚未结束"):
        rate_visit(case_service, tickets, clerk, 3, ticket.id, "满意")
    assert case_service.get(number).rating is None


def test_only_at_the_window_that_finished_it_soon_after_and_once(visit, case_service):
    from clerk.domain.errors import ServiceError
    from clerk.services.desk import DeskService
    from clerk.services.visit_rating import RATE_WITHIN_MINUTES, rate_visit

    tickets, clerk, ticket, number, clock = visit
    tickets.link_cases(clerk, 3, [number])
    with pytest.raises(ServiceError, match="不是在本窗口办理"):
        rate_visit(case_service, tickets, clerk, 8, ticket.id, "满意")
    with pytest.raises(ServiceError, match="差评须记录"):
        rate_visit(case_service, tickets, clerk, 3, ticket.id, "不满意", "  ")
    # the 好差评 desk keeps refusing a clerk's rating of their own case
    with pytest.raises(ServiceError, match="本人受理"):
        DeskService(case_service).rate(clerk, 3, number, "非常满意")
    clock.now = FIXED_NOW + timedelta(minutes=RATE_WITHIN_MINUTES + 1)
    with pytest.raises(ServiceError, match="较久"):
        rate_visit(case_service, tickets, clerk, 3, ticket.id, "非常满意")
    clock.now = FIXED_NOW + timedelta(minutes=5)
    (rated,) = rate_visit(case_service, tickets, clerk, 3, ticket.id, "不满意", "等太久")
    assert str(rated.rating) == "不满意"
    with pytest.raises(ServiceError, match="已评价"):
        rate_visit(case_service, tickets, clerk, 3, ticket.id, "满意")
