"""Every use case through its service, as each role, a deactivated and an unknown account.

Allowed exactly when the domain's role table says so; a refusal is a
``PermissionDenied`` with a Chinese message and writes nothing (every table's
rows and the audit chain are as before).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Callable

import pytest

from clerk.catalog.model import Delivery
from clerk.domain.accounts import ClerkUser, Role
from clerk.domain.desk_views import SupplyChannel
from clerk.domain.errors import PermissionDenied
from clerk.domain.intake import Outcome
from clerk.domain.lifecycle import CaseState
from clerk.domain.notices import NoticeKind
from clerk.domain.permissions import MAY, Action
from clerk.domain.views import Decision, Rating
from tests.support.drafts import COPY, hygiene, incomplete_hygiene

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ACTORS = [*(r.value for r in Role), "deactivated", "unknown"]


@pytest.fixture
def hall(service, clock):
    """Accounts for every role, one deactivated, and the desk services."""
    from clerk.complaint_categories import load_categories
    from clerk.services.complaints import ComplaintDesk
    from clerk.services.desk import DeskService
    from clerk.services.lookup import LookupService

    setup = {
        "intake": service.add_user(None, "w00", "受理员", Role.WINDOW, "secret1"),
        "office": service.add_user(None, "b00", "审批员", Role.BACKOFFICE, "secret1"),
        "mail": service.add_user(None, "m00", "邮寄员", Role.MAILROOM, "secret1"),
        "boss": service.add_user(None, "s00", "主任", Role.SUPERVISOR, "secret1"),
    }
    # The first administrator through the first-setup path; every account after it is its doing.
    admin = service.add_user(None, "x-admin", f"{Role.ADMIN.label}甲", Role.ADMIN, "secret1")
    actors = {r.value: admin if r is Role.ADMIN else service.add_user(admin, f"x-{r.value}", f"{r.label}甲", r,
                                                                     "secret1") for r in Role}
    actors["deactivated"] = service.add_user(admin, "x-gone", "已离职", Role.SUPERVISOR, "secret1")
    service.accounts.deactivate(admin, "x-gone")
    actors["unknown"] = ClerkUser("x-ghost", "脚本里编的", Role.SUPERVISOR)
    desk = DeskService(service)
    complaints = ComplaintDesk(service.store, service.calendar, load_categories(None), clock)
    return Hall(service, desk, LookupService(service), complaints, setup, actors)


@dataclass
class Hall:
    cases: Any
    desk: Any
    lookup: Any
    complaints: Any
    setup: dict[str, ClerkUser]
    actors: dict[str, ClerkUser]

    def accepted(self, delivery: Delivery = Delivery.EMS) -> str:
        return self.cases.submit(self.setup["intake"], 1, hygiene(delivery=delivery), Outcome.ACCEPT).number

    def incomplete(self) -> str:
        return self.cases.submit(self.setup["intake"], 1, incomplete_hygiene(), Outcome.FALLBACK).number

    def decided(self, delivery: Delivery = Delivery.EMS) -> Any:
        return self.desk.record_decision(self.setup["office"], 30, self.accepted(delivery), Decision.APPROVED)


@dataclass(frozen=True)
class UseCase:
    action: Action
    prepare: Callable[[Hall], Any]
    call: Callable[[Hall, ClerkUser, Any], Any]


def _badly_rated(h: Hall) -> str:
    number = h.accepted()
    h.desk.rate(h.setup["boss"], 1, number, Rating.VERY_DISSATISFIED, "等候太久")
    return number


USE_CASES = {
    "intake": UseCase(Action.INTAKE, lambda h: None,
                      lambda h, u, _: h.cases.submit(u, 2, hygiene(), Outcome.ACCEPT)),
    "supplement": UseCase(Action.SUPPLEMENT, Hall.incomplete,
                          lambda h, u, n: h.desk.log_supplement(u, 9, n, {"business-licence": COPY},
                                                                SupplyChannel.IN_PERSON)),
    "reject": UseCase(Action.REJECT, Hall.incomplete, lambda h, u, n: h.cases.reject(u, 9, n, "申请人撤回")),
    "decide": UseCase(Action.DECIDE, Hall.accepted,
                      lambda h, u, n: h.desk.record_decision(u, 30, n, Decision.APPROVED)),
    "schedule_pickup": UseCase(Action.SCHEDULE_PICKUP, Hall.incomplete,
                               lambda h, u, n: h.desk.schedule_pickup(u, 9, n, ["business-licence"],
                                                                      day=date(2026, 11, 26), window_from="09:00",
                                                                      window_to="11:00")),
    "mail_item": UseCase(Action.MAIL_ITEM, lambda h: h.decided().mail.id,
                         lambda h, u, i: h.desk.hand_over_item(u, 20, i, f"{i:013d}")),
    "collect": UseCase(Action.COLLECT, lambda h: h.decided(Delivery.PICKUP).case.number,
                       lambda h, u, n: h.cases.pick_up(u, 3, n)),
    "close": UseCase(Action.CLOSE,
                     lambda h: h.cases.pick_up(h.setup["boss"], 1, h.decided(Delivery.PICKUP).case.number).number,
                     lambda h, u, n: h.cases.close(u, 3, n)),
    "rate": UseCase(Action.RATE, Hall.accepted, lambda h, u, n: h.desk.rate(u, 3, n, Rating.SATISFIED)),
    "follow_up": UseCase(Action.FOLLOW_UP, _badly_rated,
                         lambda h, u, n: h.desk.resolve_follow_up(u, 1, n, "已约谈整改")),
    "reprint": UseCase(Action.REPRINT, Hall.accepted, lambda h, u, n: h.cases.reprint(u, 3, n, NoticeKind.PROMISED)),
    "accounts": UseCase(Action.ACCOUNTS, lambda h: None,
                        lambda h, u, _: h.cases.accounts.add(u, "new1", "新同事", Role.WINDOW, "secret1")),
    "complaint": UseCase(Action.COMPLAINT, lambda h: None,
                         lambda h, u, _: h.complaints.log(u, 1, next(iter(h.complaints.categories)), "等候太久")),
    # an EMS case: the mail room sees its mailing address (and leaves a trace)
    "look_up": UseCase(Action.VIEW_CASE, lambda h: h.decided().case.number,
                       lambda h, u, n: h.lookup.open(u, n, window=3)),
}


_REFLECTED: dict[str, Any] = {}


def fingerprint(store) -> dict[str, Any]:
    """Every row of every table (the store as a whole); the schema is reflected once per store."""
    from sqlalchemy import MetaData, select

    with store.session(write=False) as session:
        meta = _REFLECTED.get(store.url)
        if meta is None:
            meta = _REFLECTED[store.url] = MetaData()
            meta.reflect(bind=session.connection())
        return {name: sorted(map(repr, session.execute(select(table)).all()))
                for name, table in meta.tables.items() if name != "alembic_version"}


@pytest.mark.parametrize("name", sorted(USE_CASES))
def test_each_use_case_as_each_role(hall, service, name):
    case = USE_CASES[name]
    for actor in ACTORS:
        arg = case.prepare(hall)
        user = hall.actors[actor]
        allowed = actor in {r.value for r in MAY[case.action]}
        before = fingerprint(service.store)
        if allowed:
            case.call(hall, user, arg)
            assert fingerprint(service.store) != before, (name, actor)
        else:
            with pytest.raises(PermissionDenied) as refused:
                case.call(hall, user, arg)
            assert CHINESE.search(str(refused.value)), (name, actor, str(refused.value))
            assert fingerprint(service.store) == before, (name, actor)  # nothing written


def test_a_deactivated_or_made_up_account_is_named_in_the_refusal(hall):
    number = hall.accepted()
    with pytest.raises(PermissionDenied, match="已停用"):
        hall.desk.rate(hall.actors["deactivated"], 1, number, Rating.SATISFIED)
    with pytest.raises(PermissionDenied, match="不存在"):
        hall.desk.rate(hall.actors["unknown"], 1, number, Rating.SATISFIED)


def test_the_stored_role_counts_not_the_one_passed_in(hall):
    """A window clerk who claims to be a supervisor is still a window clerk."""
    number = _badly_rated(hall)
    claimed = ClerkUser(hall.actors["window"].id, "窗口甲", Role.SUPERVISOR)
    with pytest.raises(PermissionDenied, match="综合受理窗口"):
        hall.desk.resolve_follow_up(claimed, 1, number, "已整改")


def test_the_clerk_who_took_a_case_in_never_records_its_decision(hall, service):
    from clerk.services.cases import CaseService

    office = hall.actors["backoffice"]
    fallback = hall.actors["fallback"]
    own = service.submit(hall.setup["intake"], 1, hygiene(), Outcome.ACCEPT)
    with pytest.raises(PermissionDenied, match="无权登记审批结果"):  # window clerks never decide
        hall.desk.record_decision(hall.setup["intake"], 1, own.number, Decision.APPROVED)
    # The fallback desk decides only where the hall allows it, and never its own intake.
    with pytest.raises(PermissionDenied, match="无权登记审批结果"):
        hall.desk.record_decision(fallback, 9, own.number, Decision.APPROVED)
    allowing = CaseService(service.store, service.catalog, service.calendar, service.clock,
                           fallback_may_decide=True)
    from clerk.services.desk import DeskService

    mine = allowing.submit(fallback, 9, hygiene(), Outcome.ACCEPT)
    with pytest.raises(PermissionDenied, match="岗位分离"):
        DeskService(allowing).record_decision(fallback, 9, mine.number, Decision.APPROVED)
    done = DeskService(allowing).record_decision(fallback, 9, own.number, Decision.APPROVED)
    assert done.case.state is CaseState.APPROVED
    assert hall.desk.record_decision(office, 30, hall.accepted(), Decision.APPROVED).case.state is CaseState.APPROVED


def test_reading_follows_the_access_matrix_and_leaves_a_trace(hall, service):
    number = hall.decided().case.number  # EMS: the mail room mails it
    other = hall.accepted()  # not (yet) mailed
    full = service.get(number).applicant

    window = hall.lookup.open(hall.actors["window"], number, window=3)
    assert window.applicant == full
    event = service.get(number).events[-1]
    assert (event.action, event.actor, event.window) == ("view", "x-window", 3)

    mail = hall.lookup.open(hall.actors["mailroom"], number).applicant
    assert (mail.name, mail.address) == (full.name, full.address)
    assert mail.id_number != full.id_number and "*" in mail.id_number and "*" in mail.phone
    masked = hall.lookup.open(hall.actors["mailroom"], other).applicant
    assert masked.address == "" and "*" in masked.id_number
    assert service.get(other).events[-1].action != "view"  # nothing unmasked: no trace

    boss = hall.lookup.open(hall.actors["supervisor"], other)
    assert boss.applicant == service.get(other).applicant and service.get(other).events[-1].action == "view"
    with pytest.raises(PermissionDenied, match="系统管理员"):
        hall.lookup.open(hall.actors["admin"], number)
    with pytest.raises(PermissionDenied):
        hall.lookup.find(hall.actors["admin"], "王五")
    listed = hall.lookup.find(hall.actors["window"], "王五")
    assert listed and all("*" in s.applicant_id_masked for s in listed)
