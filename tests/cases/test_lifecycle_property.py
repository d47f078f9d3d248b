"""Random action sequences never leave a case outside the transition table,
and every refused action leaves the store exactly as it was."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clerk.catalog.model import Delivery
from clerk.domain.accounts import Role
from clerk.domain.errors import IntakeError, ServiceError, TransitionError
from clerk.domain.intake import IntakeDraft, MaterialMark, MaterialStatus, Outcome
from clerk.domain.lifecycle import TRANSITIONS, CaseState
from clerk.domain.views import Decision, Rating
from tests.support.drafts import COPY, PERSON, RECEIVED, hygiene, incomplete_hygiene

TOLERATED = MaterialMark(MaterialStatus.TOLERATED)
STARTS = {
    "accept": (lambda: hygiene(), Outcome.ACCEPT),
    "fallback": (incomplete_hygiene, Outcome.FALLBACK),
    "tolerate": (lambda: hygiene({**hygiene().marks, "business-licence": TOLERATED}), Outcome.TOLERATE),
    "on_the_spot": (lambda: IntakeDraft("T-JB-003", PERSON, Delivery.PICKUP, {}, {"id-card": RECEIVED}),
                    Outcome.ACCEPT),
}


def _actions(service, u):
    """Every action through the service the screens call (the desk for supplements, decisions, mail)."""
    import itertools

    from clerk.domain.desk_views import MailDirection, SupplyChannel
    from clerk.services.desk import DeskService

    desk = DeskService(service) if service is not None else None
    waybills = itertools.count(1)

    def supply(n, marks, **kw):
        return desk.log_supplement(u["fallback"], 9, n, marks, SupplyChannel.IN_PERSON, **kw)

    def item(n):
        found = [i for i in desk.mail_queue() if i.case_number == n and i.direction is MailDirection.OUTBOUND]
        if not found:
            raise ServiceError("该案件没有待寄邮件")
        return found[-1].id

    return {
        "supplement_one": lambda n: supply(n, {"business-licence": COPY}),
        "supplement_all": lambda n: supply(n, {"business-licence": COPY, "hygiene-plan": COPY}),
        "supplement_tolerate": lambda n: supply(n, {"hygiene-plan": COPY, "business-licence": TOLERATED},
                                                tolerate=True),
        "ask_for_more": lambda n: supply(n, {"id-card": MaterialMark(MaterialStatus.MISSING)}),
        "reject": lambda n: service.reject(u["fallback"], 9, n, "申请人撤回"),
        "approve": lambda n: desk.record_decision(u["office"], 30, n, Decision.APPROVED).case,
        "correct": lambda n: desk.record_decision(u["office"], 30, n, Decision.CORRECTION, items=["补正"]).case,
        "refuse": lambda n: desk.record_decision(u["office"], 30, n, Decision.REFUSED, reason="不符合").case,
        "hand_over": lambda n: desk.hand_over_item(u["mail"], 20, item(n), f"{next(waybills):013d}") and None,
        "deliver": lambda n: desk.deliver_item(u["mail"], 20, item(n)) and None,
        "pick_up": lambda n: service.pick_up(u["window"], 3, n),
        "close": lambda n: service.close(u["boss"], 1, n),
        "rate_bad": lambda n: desk.rate(u["boss"], 1, n, Rating.VERY_DISSATISFIED, "态度差"),
    }


ACTION_NAMES = sorted(_actions(None, {}).keys())


@pytest.mark.slow
def test_random_sequences_respect_the_transition_table(service):
    users = {
        "window": service.add_user(None, "w01", "张三", Role.WINDOW, "secret1"),
        "fallback": service.add_user(None, "f01", "王兜底", Role.FALLBACK, "secret1"),
        "mail": service.add_user(None, "m01", "赵邮", Role.MAILROOM, "secret1"),
        "boss": service.add_user(None, "s01", "钱主任", Role.SUPERVISOR, "secret1"),
        "office": service.add_user(None, "b01", "孙审批", Role.BACKOFFICE, "secret1"),
    }
    actions = _actions(service, users)
    seen_states: set[CaseState] = set()

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(sorted(STARTS)), st.lists(st.sampled_from(ACTION_NAMES), max_size=10))
    @example("accept", ["approve", "hand_over", "deliver", "close"])
    @example("fallback", ["supplement_tolerate", "supplement_all", "correct", "pick_up", "close"])
    def run(start, steps):
        make, outcome = STARTS[start]
        view = service.submit(users["window"], 3, make(), outcome)
        for step in steps:
            before = service.get(view.number)
            try:
                after = actions[step](view.number) or service.get(view.number)
            except (TransitionError, ServiceError, IntakeError):
                assert service.get(view.number) == before, step  # refused: store unchanged
                continue
            assert after.state is before.state or after.state in TRANSITIONS[before.state], step
            assert after.version == before.version + 1
            assert service.get(view.number) == after
            seen_states.add(after.state)

    run()
    assert service.verify_audit().ok
    assert {CaseState.CLOSED, CaseState.MAILED, CaseState.TOLERATED} <= seen_states  # the walks went deep
