"""One window of the simulated hall: a day of visits through CaseService / DeskService.

``run_window`` runs in its own spawned process (as a real window program
would): it signs in, then serves its share of the day's visits as fast as the
store lets it.  The mix (shares of visits, see ``MIX``) follows a district hall:
most visits complete (即办件 done on the spot, 承诺件 accepted), some are
incomplete and go to the fallback desk with a one-time notice and come back
with supplements later in the day, some are 容缺受理, a few are bundles
(一件事) and a few are not accepted.  Part of the accepted cases get their
back-office decision the same day, are mailed (EMS) or picked up, and rated.

Each write is timed; every exception is recorded (the run must end with none).
"""

from __future__ import annotations

import random
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "data" / "catalog"
CALENDAR = ROOT / "data" / "calendar"
PASSWORD = "hall-sim-1"

# share of visits (the rest: complete visits, accepted or done on the spot)
MIX = {"reject": 0.03, "bundle": 0.05, "fallback": 0.15, "tolerate": 0.06}
DECIDED_SAME_DAY = 0.3  # of accepted single 承诺件
RATED = 0.4
SUPPLIED_SAME_DAY = 0.8


def window_users(window: int) -> dict[str, str]:
    """Account ids used by a window (created by the simulation before the day starts)."""
    return {"window": f"w{window:02d}", "fallback": "f01", "mail": "m01", "boss": "s01", "office": "b01"}


@dataclass
class WindowResult:
    window: int
    visits: int = 0
    numbers: list[str] = field(default_factory=list)  # every case number committed (children too)
    latencies: list[tuple[str, float]] = field(default_factory=list)  # (action, seconds)
    errors: list[str] = field(default_factory=list)
    outcomes: dict[str, int] = field(default_factory=dict)
    began: float = 0.0
    ended: float = 0.0


class Window:
    def __init__(self, service: Any, desk: Any, window: int, rng: random.Random, result: WindowResult) -> None:
        from clerk.domain.intake import requirements
        from clerk.services.system_reader import SystemReader

        self.cases, self.desk, self.window, self.rng, self.result = service, desk, window, rng, result
        self.reader = SystemReader(service, "hall-sim")  # state, materials, version: masked, no event
        ids = window_users(window)
        self.users = {role: service.authenticate(uid, PASSWORD) for role, uid in ids.items()}
        catalog = service.catalog
        self.items = sorted(catalog.items)
        self.bundles = sorted(catalog.bundles)
        self.tolerable = sorted(c for c in self.items
                                if any(r.tolerable and len(r.entries) == 1
                                       for r in requirements(catalog.checklist(c))))
        self.later: list[Callable[[], None]] = []

    # -- timing and error bookkeeping ------------------------------------------------

    def timed(self, action: str, call: Callable[[], Any]) -> Any:
        began = time.perf_counter()
        try:
            value = call()
        except Exception as exc:  # noqa: BLE001 - the run counts every error, it must be 0
            self.result.errors.append(f"{action}: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
            return None
        self.result.latencies.append((action, time.perf_counter() - began))
        return value

    def count(self, outcome: str) -> None:
        self.result.outcomes[outcome] = self.result.outcomes.get(outcome, 0) + 1

    # -- drafts ------------------------------------------------------------------------

    def draft(self, code: str, *, missing: int = 0, tolerate: bool = False) -> Any:
        from bench.hall_people import applicant, person_name
        from clerk.catalog.model import Bundle, Delivery, MaterialForm
        from clerk.domain.intake import (
            IntakeDraft,
            MaterialMark,
            MaterialStatus,
            requirements,
        )

        catalog, rng = self.cases.catalog, self.rng
        # 容缺 candidates were chosen on the default answers (see __init__): keep those
        answers = {} if tolerate else {s.key: rng.choice(s.options).label for s in catalog.situations(code)}
        checklist = catalog.checklist(code, answers)
        reqs = list(requirements(checklist))
        marks: dict[str, MaterialMark] = {}
        for req in reqs:
            entry = rng.choice(req.entries)
            status = MaterialStatus.ORIGINAL if entry.material.form is MaterialForm.ORIGINAL else MaterialStatus.COPY
            marks[entry.material.key] = MaterialMark(status, entry.material.copies)
        if tolerate:
            req = rng.choice([r for r in reqs if r.tolerable and len(r.entries) == 1])
            marks[req.entries[0].material.key] = MaterialMark(MaterialStatus.TOLERATED)
        for req in rng.sample(reqs, min(missing, len(reqs))):
            for entry in req.entries:
                marks[entry.material.key] = MaterialMark(MaterialStatus.MISSING)
        target = catalog.get(code)
        if isinstance(target, Bundle):  # every item of the bundle must allow the delivery
            allowed = [d for d in Delivery if all(d in catalog.items[c].deliveries for c in target.item_codes)]
        else:
            allowed = list(target.deliveries)
        delivery = rng.choice(allowed or [Delivery.PICKUP])
        child = person_name(rng) if isinstance(target, Bundle) and target.child_name else ""  # 新生儿姓名
        return IntakeDraft(code, applicant(rng, organisation=rng.random() < 0.25), delivery, answers, marks,
                           child_name=child)

    # -- one visit ---------------------------------------------------------------------

    def visit(self) -> None:
        try:
            self._visit()
        except Exception as exc:  # noqa: BLE001 - a bug of the simulation itself: counted, never hidden
            self.result.errors.append(f"visit: {type(exc).__name__}: {exc}\n{traceback.format_exc(limit=4)}")

    def _visit(self) -> None:
        from clerk.domain.intake import Outcome

        rng, roll = self.rng, self.rng.random()
        self.result.visits += 1
        cut = 0.0
        for kind, share in MIX.items():
            cut += share
            if roll < cut:
                break
        else:
            kind = "complete"
        if kind == "reject":
            draft = self.draft(rng.choice(self.items), missing=rng.choice((0, 1)))
            case = self.submit(draft, Outcome.REJECT, "申请事项不属于本中心受理范围，已告知向有关部门申请")
        elif kind == "bundle":
            incomplete = rng.random() < 0.3
            draft = self.draft(rng.choice(self.bundles), missing=1 if incomplete else 0)
            case = self.submit(draft, Outcome.FALLBACK if incomplete else Outcome.ACCEPT)
            if case is not None and incomplete:
                self.later.append(lambda n=case.number: self.supply(n))
        elif kind == "fallback":
            draft = self.draft(rng.choice(self.items), missing=rng.choice((1, 1, 2)))
            case = self.submit(draft, Outcome.FALLBACK)
            if case is not None and rng.random() < SUPPLIED_SAME_DAY:
                self.later.append(lambda n=case.number: self.supply(n))
        elif kind == "tolerate" and self.tolerable:
            case = self.submit(self.draft(rng.choice(self.tolerable), tolerate=True), Outcome.TOLERATE)
            if case is not None and rng.random() < 0.5:
                self.later.append(lambda n=case.number: self.supply(n))
        else:
            kind = "complete"
            case = self.submit(self.draft(rng.choice(self.items)), Outcome.ACCEPT)
            if case is not None and not case.is_bundle and case.item_kind == "承诺件" \
                    and rng.random() < DECIDED_SAME_DAY:
                self.later.append(lambda n=case.number: self.decide(n))
        self.count(kind if case is not None else "failed")
        if case is not None and rng.random() < RATED and kind != "reject":
            self.later.append(lambda n=case.number: self.rate(n))
        # the fallback desk and the back office catch up between visits
        if self.later and rng.random() < 0.4:
            self.later.pop(rng.randrange(len(self.later)))()

    def submit(self, draft: Any, outcome: Any, reason: str = "") -> Any:
        from clerk.services.visits import new_visit_key

        key = new_visit_key()  # one key per visit, as the window app does
        case = self.timed("submit", lambda: self.cases.submit(self.users["window"], self.window, draft, outcome,
                                                              reason, visit_key=key))
        if case is not None:
            self.result.numbers.append(case.number)
            self.result.numbers.extend(child.number for child in case.children)
        return case

    # -- later in the day ----------------------------------------------------------------

    def supply(self, number: str) -> None:
        """The applicant brings what was missing (or promised under 容缺) to the fallback desk."""
        from clerk.domain.desk_views import SupplyChannel
        from clerk.domain.intake import MaterialMark, MaterialStatus

        case = self.timed("get", lambda: self.reader.masked(number))
        if case is None:
            return
        owed = [k for k, m in case.marks.items() if m.status in (MaterialStatus.MISSING, MaterialStatus.TOLERATED)]
        marks = {k: MaterialMark(MaterialStatus.ORIGINAL, 1) for k in owed}
        channel = self.rng.choice((SupplyChannel.IN_PERSON, SupplyChannel.IN_PERSON, SupplyChannel.ONLINE))
        reference = f"WS{self.rng.randint(10**9, 10**10 - 1)}" if channel is SupplyChannel.ONLINE else ""
        self.timed("supplement", lambda: self.desk.log_supplement(self.users["fallback"], self.window, number,
                                                                  marks, channel, reference=reference,
                                                                  version=case.version))

    def decide(self, number: str) -> None:
        from bench.hall_people import waybill
        from clerk.domain.views import Decision

        roll = self.rng.random()
        decision = Decision.APPROVED if roll < 0.8 else Decision.CORRECTION if roll < 0.9 else Decision.REFUSED
        office = self.users["office"]  # the back office records decisions (岗位分离)
        result = self.timed("decide", lambda: self.desk.record_decision(
            office, self.window, number, decision, reason="不符合法定条件" if decision is Decision.REFUSED else "",
            items=("补充提交经营场所平面图",) if decision is Decision.CORRECTION else ()))
        if result is None or decision is Decision.CORRECTION:
            return
        if result.mail is not None:
            mail = self.users["mail"]
            if self.timed("mail", lambda: self.desk.hand_over_item(mail, self.window, result.mail.id,
                                                                   waybill(self.rng))) is not None:
                self.timed("deliver", lambda: self.desk.deliver_item(mail, self.window, result.mail.id))
        else:
            user = self.users["window"]
            picked = self.timed("pick_up", lambda: self.cases.pick_up(user, self.window, number,
                                                                      version=result.case.version))
            if picked is not None:
                self.timed("close", lambda: self.cases.close(user, self.window, number, version=picked.version))

    def rate(self, number: str) -> None:
        from clerk.domain.views import Rating

        ratings = list(Rating)
        rating = self.rng.choices(ratings, weights=(60, 25, 10, 3, 2))[0]
        comment = "等候时间较长，材料清单说明不清" if rating.is_bad else ""
        self.timed("rate", lambda: self.desk.rate(self.users["fallback"], self.window, number, rating, comment))


def run_window(url: str, window: int, visits: int, seed: int, barrier: Any = None) -> WindowResult:
    """A window's day (the spawned process's entry point)."""
    from clerk.calendar import WorkCalendar
    from clerk.catalog import load_catalog
    from clerk.services.cases import CaseService
    from clerk.services.desk import DeskService
    from clerk.store.engine import Store

    store = Store(url)
    service = CaseService(store, load_catalog(CATALOG), WorkCalendar.load(CALENDAR), hall_code="SF")
    result = WindowResult(window)
    desk = Window(service, DeskService(service), window, random.Random(seed * 1000 + window), result)
    service.open_cases(window=window, limit=1)  # warm up: connection and imports
    if barrier is not None:
        barrier.wait(600)
    result.began = time.time()
    for _ in range(visits):
        desk.visit()
    while desk.later:
        desk.later.pop(0)()
    result.ended = time.time()
    store.dispose()
    return result
