"""A hall with known cases, built through the public CaseService (plain helper, no fixtures).

Today is Wednesday 2026-11-25 (the shared FakeClock); working days ahead:
Thu 26 (1), Fri 27 (2), Mon 30 (3).  Times below are Beijing time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from clerk.catalog.model import Delivery
from clerk.domain.accounts import Role
from clerk.domain.intake import Applicant, ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus, Outcome
from clerk.domain.views import Rating

RECEIVED = MaterialMark(MaterialStatus.ORIGINAL, 1)
COPY = MaterialMark(MaterialStatus.COPY, 1)
MISSING = MaterialMark(MaterialStatus.MISSING)
PERSON = Applicant(ApplicantKind.PERSON, "王五", "11010519491231002X", "13812345678", "济南市历城区山大路1号")
HYGIENE_MARKS = {"id-card": RECEIVED, "business-licence": COPY, "hygiene-plan": COPY, "lease-contract": COPY}
FOOD_MARKS = {"id-card": RECEIVED, "business-licence": COPY, "food-layout": RECEIVED}


def hygiene(marks=None) -> IntakeDraft:
    return IntakeDraft("T-GGWS-001", PERSON, Delivery.EMS, {}, dict(HYGIENE_MARKS if marks is None else marks))


def food() -> IntakeDraft:
    return IntakeDraft("T-SP-002", PERSON, Delivery.EMS, {}, dict(FOOD_MARKS))


def name_check() -> IntakeDraft:
    return IntakeDraft("T-JB-003", PERSON, Delivery.PICKUP, {}, {"id-card": RECEIVED})


def restaurant() -> IntakeDraft:
    marks = dict(HYGIENE_MARKS, **{"food-layout": RECEIVED})
    return IntakeDraft("T-YJS-CY", PERSON, Delivery.EMS, {}, marks)


def beijing(y: int, m: int, d: int, hh: int, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=UTC) - timedelta(hours=8)


@dataclass
class Hall:
    numbers: dict[str, str] = field(default_factory=dict)


def build_hall(service, clock) -> Hall:
    """Fill the store; returns the numbers of the cases a test may look at."""
    users = {
        "w3": service.add_user(None, "w03", "张三", Role.WINDOW, "secret1"),
        "w4": service.add_user(None, "w04", "李四", Role.WINDOW, "secret1"),
        "w5": service.add_user(None, "w05", "王五", Role.WINDOW, "secret1"),
        "boss": service.add_user(None, "s01", "钱主任", Role.SUPERVISOR, "secret1"),
        "office": service.add_user(None, "b01", "孙审批", Role.BACKOFFICE, "secret1"),
    }
    hall = Hall()

    def at(moment: datetime, key: str, user: str, window: int, draft: IntakeDraft, outcome=Outcome.ACCEPT) -> None:
        clock.now = moment
        hall.numbers[key] = service.submit(users[user], window, draft, outcome).number

    # October: one case rated 满意 (trend), finished.
    at(beijing(2026, 10, 20, 10), "oct", "w3", 3, name_check())
    clock.now = beijing(2026, 10, 20, 11)
    _desk(service).rate(users["boss"], 3, hall.numbers["oct"], Rating.SATISFIED, "回访意见")
    # Tue 10 Nov: promised 5 working days → due Tue 17 Nov: overdue today.
    at(beijing(2026, 11, 10, 10), "overdue", "w3", 3, hygiene())
    # Tue 10 Nov: incomplete → one-time notice due 17 Nov: overdue; fallback backlog at window 4.
    at(beijing(2026, 11, 10, 11), "fallback", "w4", 4, hygiene({"id-card": RECEIVED, "business-licence": MISSING,
                                                                "hygiene-plan": MISSING, "lease-contract": COPY}),
       Outcome.FALLBACK)
    # Mon 16 Nov: 容缺 with supply promised by Wed 18 Nov: overdue today.
    tolerated = dict(HYGIENE_MARKS, **{"business-licence": MaterialMark(MaterialStatus.TOLERATED,
                                                                        supply_by=date(2026, 11, 18))})
    at(beijing(2026, 11, 16, 10), "tolerated", "w4", 4, hygiene(tolerated), Outcome.TOLERATE)
    # Thu 19 Nov → due Thu 26 Nov (within 1 working day); Fri 20 Nov → due Fri 27 (within 3).
    at(beijing(2026, 11, 19, 10), "due1", "w3", 3, hygiene())
    at(beijing(2026, 11, 20, 10), "due3", "w3", 3, hygiene())
    # Thu 19 Nov food licence: 10 working days → 3 Dec, outside the 3-day watch.
    at(beijing(2026, 11, 19, 11), "food", "w4", 4, food())
    # Today at window 3: 09:00, 09:10, 09:25 and, after an idle hour, 10:30.
    at(beijing(2026, 11, 25, 9, 0), "t1", "w3", 3, hygiene())
    at(beijing(2026, 11, 25, 9, 10), "t2", "w3", 3, name_check())
    at(beijing(2026, 11, 25, 9, 25), "t3", "w3", 3, name_check())
    at(beijing(2026, 11, 25, 10, 30), "t4", "w3", 3, name_check())
    # Today at window 5: one bundle visit (two item cases behind it).
    at(beijing(2026, 11, 25, 9, 30), "bundle", "w5", 5, restaurant())
    # Ratings this month: 非常满意, 满意, 不满意 (opens a follow-up).
    clock.now = beijing(2026, 11, 25, 10, 40)
    _desk(service).rate(users["boss"], 3, hall.numbers["t2"], Rating.VERY_SATISFIED, "回访意见")
    _desk(service).rate(users["boss"], 3, hall.numbers["t3"], Rating.SATISFIED, "回访意见")
    _desk(service).rate(users["boss"], 3, hall.numbers["t4"], Rating.DISSATISFIED, "回访意见")
    clock.now = beijing(2026, 11, 25, 11)  # "now" on the dashboard
    return hall


def _desk(service):
    """The desk service the rating screen calls."""
    from clerk.services.desk import DeskService

    return DeskService(service)
