"""Random action sequences never leave a case outside the transition table,
and every refused action leaves the store exactly as it was."""

from __future__ import annotations

from tests.cases.drafts import COPY, RECEIVED, PERSON, hygiene, incomplete_hygiene
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from clerk.domain.intake import IntakeDraft, MaterialMark, MaterialStatus, Outcome
from clerk.domain.errors import IntakeError, ServiceError, TransitionError
from clerk.domain.lifecycle import TRANSITIONS, CaseState
from clerk.domain.views import Decision, Rating
from clerk.catalog.model import Delivery
from clerk.domain.accounts import Role

TOLERATED = MaterialMark(MaterialStatus.TOLERATED)
STARTS = {
    "accept": (lambda: hygiene(), Outcome.ACCEPT),
    "fallback": (incomplete_hygiene, Outcome.FALLBACK),
    "tolerate": (lambda: hygiene({**hygiene().marks, "business-licence": TOLERATED}), Outcome.TOLERATE),
    "on_the_spot": (lambda: IntakeDraft("T-JB-003", PERSON, Delivery.PICKUP, {}, {"id-card": RECEIVED}),
                    Outcome.ACCEPT),
}


def _actions(service, u):
    return {
        "supplement_one": lambda n: service.supplement(u["fallback"], 9, n, {"business-licence": COPY}),
        "supplement_all": lambda n: service.supplement(u["fallback"], 9, n, {"business-licence": COPY,
                                                                             "hygiene-plan": COPY}),
        "supplement_tolerate": lambda n: service.supplement(
            u["fallback"], 9, n, {"hygiene-plan": COPY, "business-licence": TOLERATED}, tolerate=True),
        "ask_for_more": lambda n: service.supplement(u["fallback"], 9, n, {"id-card": MaterialMark(MaterialStatus.MISSING)}),
        "reject": lambda n: service.reject(u["fallback"], 9, n, "申请人撤回"),
        "approve": lambda n: service.decide(u["boss"], 1, n, Decision.APPROVED),
        "correct": lambda n: service.decide(u["boss"], 1, n, Decision.CORRECTION, "补正"),
        "refuse": lambda n: service.decide(u["boss"], 1, n, Decision.REFUSED, "不符合"),
        "queue_mail": lambda n: service.queue_mail(u["mail"], 20, n),
        "hand_over": lambda n: service.hand_over(u["mail"], 20, n, "EA123456785CN"),
        "deliver": lambda n: service.deliver(u["mail"], 20, n),
        "pick_up": lambda n: service.pick_up(u["window"], 3, n),
        "close": lambda n: service.close(u["boss"], 1, n),
        "rate_bad": lambda n: service.rate(u["boss"], 1, n, Rating.VERY_DISSATISFIED),
    }


ACTION_NAMES = sorted(_actions(None, {}).keys())


def test_random_sequences_respect_the_transition_table(service):
    users = {
        "window": service.add_user(None, "w01", "张三", Role.WINDOW, "secret1"),
        "fallback": service.add_user(None, "f01", "王兜底", Role.FALLBACK, "secret1"),
        "mail": service.add_user(None, "m01", "赵邮", Role.MAILROOM, "secret1"),
        "boss": service.add_user(None, "s01", "钱主任", Role.SUPERVISOR, "secret1"),
    }
    actions = _actions(service, users)
    seen_states: set[CaseState] = set()

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.sampled_from(sorted(STARTS)), st.lists(st.sampled_from(ACTION_NAMES), max_size=10))
    @example("accept", ["approve", "queue_mail", "hand_over", "deliver", "close"])
    @example("fallback", ["supplement_tolerate", "supplement_all", "correct", "pick_up", "close"])
    def run(start, steps):
        make, outcome = STARTS[start]
        view = service.submit(users["window"], 3, make(), outcome)
        for step in steps:
            before = service.get(view.number)
            try:
                after = actions[step](view.number)
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
