"""``clerk demo``: a realistic day of the hall, written through the services.

For training and demonstrations (and the README's screenshots): six windows
serve ``visits`` applicants between 08:30 and 17:30 of ``day`` on a clock that
moves with the visits.  Each applicant takes a ticket at the kiosk (some
swiping their ID card) in the queue of the item, is called at a window that
serves that queue, served, and the ticket ends with the visit's case; a few
tickets are called and not answered (过号).  Every outcome occurs — accepted 承诺件 and 即办件,
容缺受理, incomplete visits sent to the fallback desk with a one-time notice,
不予受理 — plus bundles (一件事), supplements brought later that day, the back
office's decisions (approved, correction, refused), EMS mail handed over and
delivered (and one returned), pickups, ratings with the supervisor's
follow-up of bad ones, and complaints logged, forwarded, answered and visited.
What would happen after closing time is left for the next day, so the queues
(fallback desk, EMS station, follow-ups) hold what a real evening holds.

Everything goes through CaseService / DeskService / ComplaintDesk, exactly as
the screens do, so the store, the audit chain and the notice queue are what a
real day leaves behind.  The same seed gives the same day.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import partial
from typing import TYPE_CHECKING, TypeVar
from zoneinfo import ZoneInfo

from sqlalchemy import text

from clerk.calendar import WorkCalendar
from clerk.catalog import load_catalog
from clerk.catalog.model import Bundle, Delivery, MaterialForm
from clerk.complaint_categories import categories_for
from clerk.domain.accounts import Role
from clerk.domain.desk_views import SupplyChannel
from clerk.domain.errors import AuthenticationFailed, ServiceError
from clerk.domain.intake import ApplicantKind, IntakeDraft, MaterialMark, MaterialStatus, Outcome, requirements
from clerk.domain.verification import VerificationResult, VerificationState
from clerk.domain.views import Decision, Rating
from clerk.ops.people import applicant, mobile, person_name, waybill
from clerk.services.cases import CaseService
from clerk.services.complaints import ComplaintDesk
from clerk.services.desk import DeskService
from clerk.services.system_reader import SystemReader
from clerk.services.tickets import TicketService
from clerk.store.engine import Store
from clerk.store.migrate import upgrade

if TYPE_CHECKING:
    from clerk.config import Settings
    from clerk.domain.accounts import ClerkUser
    from clerk.domain.views import CaseView

T = TypeVar("T")

WINDOWS = 6
FALLBACK_WINDOW = 7
OPEN, CLOSE = time(8, 30), time(17, 30)
DEMO_PASSWORD = "clerk123"
# (id, name, role): the accounts `clerk setup` creates, plus windows 3–6.
STAFF = (
    ("1001", "王芳", "window"), ("1002", "李明", "window"), ("1003", "张静", "window"),
    ("1004", "刘洋洋", "window"), ("1005", "陈丽", "window"), ("1006", "杨涛", "window"),
    ("2001", "赵敏", "fallback"), ("3001", "陈刚", "mailroom"), ("4001", "孙丽", "backoffice"),
    ("9001", "刘洋", "supervisor"),
)
MIX = (("complete", 0.66), ("fallback", 0.14), ("tolerate", 0.06), ("bundle", 0.08), ("reject", 0.03),
       ("complaint", 0.03))
COMPLAINTS = (
    ("很难办", "办理食品经营许可跑了三次，每次被告知缺不同的材料"),
    ("办不了", "外地户籍老人办理居住证，窗口说系统不支持"),
    ("简单事项", "咨询新生儿医保参保需要带哪些材料"),
    ("协调办", "开办企业需要消防和市场监管两个部门意见，互相推诿"),
    ("不给办", "材料齐全但窗口要求提供房东身份证原件"),
)


@dataclass
class DemoSummary:
    day: date
    visits: int
    outcomes: Counter[str] = field(default_factory=Counter)
    actions: Counter[str] = field(default_factory=Counter)
    refused: list[str] = field(default_factory=list)  # a service said no: a demo bug, shown, never hidden

    def lines(self) -> list[str]:
        labels = {"complete": "材料齐全受理/即办", "fallback": "转兜底窗口", "tolerate": "容缺受理",
                  "bundle": "一件事", "reject": "不予受理", "complaint": "诉求登记"}
        done = {"supplement": "补正材料", "decide": "办结决定", "mail": "邮寄交寄", "deliver": "邮件妥投",
                "return": "邮件退回", "pick_up": "窗口领取", "rate": "评价", "follow_up": "差评整改",
                "hand_off": "诉求转办", "reply": "诉求答复", "return_visit": "诉求回访", "late_reject": "兜底不予受理",
                "ticket": "取号", "no_show": "过号", "verify": "告知承诺核查"}
        first = "、".join(f"{labels[k]} {v}" for k, v in self.outcomes.items() if k in labels)
        second = "、".join(f"{done[k]} {v}" for k, v in self.actions.items() if k in done)
        lines = [f"已生成 {self.day.isoformat()} 的演示数据：{self.visits} 人次来访（{first}）", f"后续办理：{second}"]
        if self.refused:
            lines.append(f"有 {len(self.refused)} 项操作未能完成，第一项：{self.refused[0]}")
        return lines


class DayClock:
    """The demo's clock: set to each visit's time of day (UTC inside, like the services)."""

    def __init__(self, day: date, tz: ZoneInfo) -> None:
        self.now = datetime.combine(day, OPEN, tz).astimezone(UTC)

    def __call__(self) -> datetime:
        return self.now

    def at_least(self, moment: datetime) -> None:
        self.now = max(self.now, moment)


class _Day:
    def __init__(self, cases: CaseService, desk: DeskService, complaints: ComplaintDesk, tickets: TicketService,
                 clock: DayClock, rng: random.Random, summary: DemoSummary) -> None:
        self.cases, self.desk, self.complaints, self.tickets = cases, desk, complaints, tickets
        self.reader = SystemReader(cases, "demo")  # the script reads state and materials: masked, no event
        self.clock, self.rng, self.summary = clock, rng, summary
        self.staff = {clerk_id: cases.account(clerk_id) for clerk_id, _, _ in STAFF}
        catalog = cases.catalog
        self.items = sorted(catalog.items)
        self.bundles = sorted(catalog.bundles)
        self.tolerable = sorted(c for c in self.items if any(r.tolerable and len(r.entries) == 1
                                                             for r in requirements(catalog.checklist(c))))
        self.later: list[tuple[datetime, int, Callable[[], object]]] = []
        self._order = 0

    # -- bookkeeping -----------------------------------------------------------------

    def act(self, action: str, call: Callable[[], T]) -> T | None:
        try:
            value = call()
        except ServiceError as exc:
            self.summary.refused.append(f"{action}：{exc}")
            return None
        self.summary.actions[action] += 1
        return value

    def soon(self, minutes: tuple[int, int], call: Callable[[], object]) -> None:
        self._order += 1
        self.later.append((self.clock.now + timedelta(minutes=self.rng.randint(*minutes)), self._order, call))

    def run_due(self, until: datetime) -> None:
        self.later.sort(key=lambda entry: (entry[0], entry[1]))
        while self.later and self.later[0][0] <= until:
            at, _, call = self.later.pop(0)
            self.clock.at_least(at)
            call()

    def window_clerk(self, window: int) -> ClerkUser:
        return self.staff[f"100{window}"]

    # -- drafts ------------------------------------------------------------------------

    def draft(self, code: str, *, missing: int = 0, tolerate: bool = False) -> IntakeDraft:
        catalog, rng = self.cases.catalog, self.rng
        answers = {} if tolerate else {s.key: rng.choice(s.options).label for s in catalog.situations(code)}
        reqs = list(requirements(catalog.checklist(code, answers)))
        marks: dict[str, MaterialMark] = {}
        for req in reqs:
            entry = rng.choice(req.entries)
            original = entry.material.form is MaterialForm.ORIGINAL
            marks[entry.material.key] = MaterialMark(MaterialStatus.ORIGINAL if original else MaterialStatus.COPY,
                                                     entry.material.copies)
        if tolerate:
            req = rng.choice([r for r in reqs if r.tolerable and len(r.entries) == 1])
            marks[req.entries[0].material.key] = MaterialMark(MaterialStatus.TOLERATED)
        for req in rng.sample(reqs, min(missing, len(reqs))):
            for entry in req.entries:
                marks[entry.material.key] = MaterialMark(MaterialStatus.MISSING)
        if not tolerate and not missing:  # 告知承诺: half the applicants who may, sign instead of bringing it
            for req in reqs:
                if req.committable and len(req.entries) == 1 and rng.random() < 0.5:
                    marks[req.entries[0].material.key] = MaterialMark(MaterialStatus.COMMITTED)
        target = catalog.get(code)
        if isinstance(target, Bundle):
            allowed = [d for d in Delivery if all(d in catalog.items[c].deliveries for c in target.item_codes)]
        else:
            allowed = list(target.deliveries) if target is not None else []
        delivery = rng.choice(allowed or [Delivery.PICKUP])
        child = person_name(rng) if isinstance(target, Bundle) and target.child_name else ""  # 新生儿姓名
        return IntakeDraft(code, applicant(rng, organisation=rng.random() < 0.25, today=self.cases.today()),
                           delivery, answers, marks, child_name=child)

    # -- a visit -----------------------------------------------------------------------

    def visit(self, window: int) -> None:
        rng, roll, cut = self.rng, self.rng.random(), 0.0
        kind = "complete"
        for name, share in MIX:
            cut += share
            if roll < cut:
                kind = name
                break
        if kind == "tolerate" and not self.tolerable:
            kind = "complete"
        clerk = self.window_clerk(window)
        case = None
        if kind == "complaint":
            self.complaint(window)
            self.summary.outcomes[kind] += 1
            return
        if kind == "reject":
            case = self.submit(clerk, window, self.draft(rng.choice(self.items)), Outcome.REJECT,
                               "申请事项不属于本中心受理范围，已告知向有关部门申请")
        elif kind == "bundle":
            incomplete = rng.random() < 0.3
            case = self.submit(clerk, window, self.draft(rng.choice(self.bundles), missing=int(incomplete)),
                               Outcome.FALLBACK if incomplete else Outcome.ACCEPT)
            if case is not None and incomplete:
                self.soon((40, 300), partial(self.supply, case.number))
        elif kind == "fallback":
            case = self.submit(clerk, window, self.draft(rng.choice(self.items), missing=rng.choice((1, 1, 2))),
                               Outcome.FALLBACK)
            if case is not None:
                if rng.random() < 0.75:
                    self.soon((30, 360), partial(self.supply, case.number))
                elif rng.random() < 0.3:
                    self.soon((60, 240), partial(self.late_reject, case.number))
        elif kind == "tolerate":
            case = self.submit(clerk, window, self.draft(rng.choice(self.tolerable), tolerate=True), Outcome.TOLERATE)
            if case is not None and rng.random() < 0.5:
                self.soon((60, 400), partial(self.supply, case.number))
        else:
            case = self.submit(clerk, window, self.draft(rng.choice(self.items)), Outcome.ACCEPT)
            if case is not None and not case.is_bundle and case.item_kind == "承诺件" and rng.random() < 0.5:
                self.soon((30, 400), partial(self.decide, case.number, window))
            if case is not None and case.verifications:  # a data check is quick: most are done the same day
                self.soon((30, 240), partial(self.verify, case.number, window))
        if case is None:
            return
        self.summary.outcomes[kind] += 1
        if kind != "reject" and rng.random() < 0.45:
            self.soon((1, 5), partial(self.rate, case.number, window))

    def submit(self, clerk: ClerkUser, window: int, draft: IntakeDraft, outcome: Outcome,
               reason: str = "") -> CaseView | None:
        """The visit at the window, as the hall runs it: the applicant took a ticket a while ago
        (swiping the ID card at the kiosk, or not), the window calls it, serves and ends it."""
        called = self.call(clerk, window, draft)
        case = self.act("submit", lambda: self.cases.submit(clerk, window, draft, outcome, reason))
        if called:
            served = self.clock.now + timedelta(minutes=self.rng.randint(3, 12))
            self.act("ticket_done", lambda: self.tickets.link_cases(clerk, window, [case.number] if case else [],
                                                                      now=served))
        return case

    def taken(self, queue: str, called: datetime, waited: int) -> datetime:
        """When a ticket called at ``called`` after about ``waited`` minutes was taken: within the
        queue's hours (a visit served at 17:20 took its ticket before the kiosk stopped at 17:00)."""
        spec, tz = self.tickets.queues[queue], self.tickets.tz
        opened = datetime.combine(called.astimezone(tz).date(), OPEN, tz).astimezone(UTC)
        at = max(opened, called - timedelta(minutes=waited))
        while at > opened and not spec.open_at(at.astimezone(tz).time()):
            at -= timedelta(minutes=1)
        return at

    def call(self, clerk: ClerkUser, window: int, draft: IntakeDraft) -> bool:
        """Take, print and call this visit's ticket (now is when the window calls it); a few
        visits are preceded by a ticket whose holder has gone (过号).  True when it was called."""
        queues = self.tickets.window_queues(window)
        if not queues:
            return False
        queue = self.tickets.queue_for_item(draft.code)
        queue = queue if queue in queues else queues[0]
        now = self.clock.now
        if self.rng.random() < 0.04:
            gone = self.act("ticket", lambda: self.tickets.take(queue, now=self.taken(queue, now, 30)))
            if gone is not None:
                self.tickets.mark_printed(gone.id, now=gone.taken_at)
                status = self.act("call", lambda: self.tickets.call_next(clerk, window, now=now))
                if status is not None and status.current is not None:
                    self.act("no_show", lambda: self.tickets.no_show(clerk, window, now=now))
        person = draft.applicant.kind is ApplicantKind.PERSON and self.rng.random() < 0.6
        taken = self.taken(queue, now, self.rng.randint(1, 25))
        ticket = self.act("ticket", lambda: self.tickets.take(queue, id_number=draft.applicant.id_number if person
                                                              else None, now=taken))
        if ticket is None:
            return False
        self.tickets.mark_printed(ticket.id, now=taken)
        status = self.act("call", lambda: self.tickets.call_next(clerk, window, now=now))
        if status is None or status.current is None:
            return False
        self.act("start", lambda: self.tickets.start(clerk, window, now=now))
        return True

    # -- later in the day ----------------------------------------------------------------

    def supply(self, number: str) -> None:
        case = self.reader.masked(number)
        owed = [k for k, m in case.marks.items() if m.status in (MaterialStatus.MISSING, MaterialStatus.TOLERATED)]
        if not owed:
            return
        channel = self.rng.choice((SupplyChannel.IN_PERSON, SupplyChannel.IN_PERSON, SupplyChannel.ONLINE))
        reference = f"WS{self.rng.randint(10**9, 10**10 - 1)}" if channel is SupplyChannel.ONLINE else ""
        marks = {k: MaterialMark(MaterialStatus.ORIGINAL, 1) for k in owed}
        self.act("supplement", lambda: self.desk.log_supplement(self.staff["2001"], FALLBACK_WINDOW, number, marks, channel,
                                                                reference=reference, version=case.version))

    def late_reject(self, number: str) -> None:
        case = self.reader.masked(number)
        self.act("late_reject", lambda: self.desk.reject(self.staff["2001"], FALLBACK_WINDOW, number,
                                                         "申请人确认无法补齐材料，不予受理", version=case.version))

    def decide(self, number: str, window: int) -> None:
        roll = self.rng.random()
        decision = Decision.APPROVED if roll < 0.8 else Decision.CORRECTION if roll < 0.9 else Decision.REFUSED
        result = self.act("decide", lambda: self.desk.record_decision(
            self.staff["4001"], window, number, decision,
            reason="不符合法定条件" if decision is Decision.REFUSED else "",
            items=("补充提交经营场所平面图",) if decision is Decision.CORRECTION else ()))
        if result is None or decision is Decision.CORRECTION:
            return
        if result.mail is not None:
            self.soon((20, 90), partial(self.post, result.mail.id, window))
        elif self.rng.random() < 0.6:
            self.soon((20, 120), lambda: self.pick_up(number, window))

    def verify(self, number: str, window: int) -> None:
        """The back office checks a case's commitments: mostly true, now and then unverifiable, rarely false."""
        office = self.staff["4001"]
        for task in self.reader.masked(number).verifications:
            if task.state is not VerificationState.DUE:
                continue
            roll = self.rng.random()
            result, note = ((VerificationResult.TRUE, "") if roll < 0.85 else
                            (VerificationResult.UNVERIFIABLE, "协查部门未在期限内答复") if roll < 0.95 else
                            (VerificationResult.FALSE, "核查发现与承诺内容不符"))
            if self.act("verify", lambda: self.desk.verifications.record(office, window, task.id, result, note)) is None:
                return

    def post(self, item_id: int, window: int) -> None:
        mail = self.staff["3001"]
        if self.act("mail", lambda: self.desk.hand_over_item(mail, window, item_id, waybill(self.rng))) is None:
            return
        if self.summary.actions["return"] == 0 and self.summary.actions["deliver"] >= 2:
            self.act("return", lambda: self.desk.return_item(mail, window, item_id, "收件人地址不详，邮件退回"))
        else:
            self.act("deliver", lambda: self.desk.deliver_item(mail, window, item_id))

    def pick_up(self, number: str, window: int) -> None:
        clerk = self.window_clerk(window)
        case = self.reader.masked(number)
        picked = self.act("pick_up", lambda: self.cases.pick_up(clerk, window, number, version=case.version))
        if picked is not None:
            self.act("close", lambda: self.cases.close(clerk, window, number, version=picked.version))

    def rate(self, number: str, window: int) -> None:
        rating = self.rng.choices(list(Rating), weights=(60, 25, 10, 3, 2))[0]
        comment = "等候时间较长，材料清单说明不清" if rating.is_bad else ""
        rated = self.act("rate", lambda: self.desk.rate(self.staff["2001"], FALLBACK_WINDOW, number, rating, comment))
        if rated is not None and rating.is_bad and self.rng.random() < 0.6:
            self.soon((30, 180), lambda: self.follow_up(number, window))

    def follow_up(self, number: str, window: int) -> None:
        case = self.reader.masked(number)
        self.act("follow_up", lambda: self.desk.resolve_follow_up(
            self.staff["9001"], window, number, "已电话回访申请人并致歉，窗口已更新材料清单说明",
            version=case.version))

    def complaint(self, window: int) -> None:
        category, summary = self.rng.choice(COMPLAINTS)
        if category not in self.complaints.categories:
            category = next(iter(self.complaints.categories))
        logged = self.act("complaint", lambda: self.complaints.log(
            self.window_clerk(window), window, category, summary, applicant_name=person_name(self.rng),
            applicant_phone=mobile(self.rng)))
        if logged is None:
            return
        number = logged.number
        self.soon((10, 60), lambda: self.act("hand_off", lambda: self.complaints.hand_off(
            self.window_clerk(window), number, "区市场监管局", "请核实并答复")))
        if self.rng.random() < 0.6:
            self.soon((120, 300), lambda: self.answer(number, window))

    def answer(self, number: str, window: int) -> None:
        clerk = self.window_clerk(window)
        if self.act("reply", lambda: self.complaints.reply(clerk, number, "已协调有关部门，明日可来窗口办理")) is None:
            return
        self.soon((10, 60), lambda: self.act("return_visit", lambda: self.complaints.return_visit(
            clerk, number, "电话回访，申请人表示认可", self.rng.random() < 0.85)))


class DemoRefused(RuntimeError):
    """The store already holds real work (message in Chinese)."""


def _refuse_a_store_with_cases(store: Store) -> None:
    with store.connection(write=False) as conn:
        count = conn.execute(text("SELECT count(*) FROM cases")).scalar_one()
    if count:
        raise DemoRefused(f"数据库 {store.redacted_url} 中已有 {count} 件案件：演示数据只写入空的数据库"
                          "（请用另一个 CLERK_HOME 或 CLERK_DATABASE_URL）")


def _ensure_staff(cases: CaseService, by: ClerkUser | None) -> None:
    """The demo hall's staff, with the initial password each changes at the first sign-in.

    ``by``: the administrator who signed in for ``clerk demo`` (``None`` while the store has none)."""
    for clerk_id, name, role in STAFF:
        try:
            cases.account(clerk_id)
        except AuthenticationFailed:
            cases.add_user(by, clerk_id, name, Role(role), DEMO_PASSWORD, must_change=True)


def fill_day(settings: Settings, day: date, visits: int, *, seed: int = 20261120, store: Store | None = None,
             by: ClerkUser | None = None) -> DemoSummary:
    """Write a demo day into the configured store (upgraded first); returns what was done.

    ``by``: the signed-in administrator who creates the missing staff accounts (needed once the
    store has an administrator, see ``clerk.services.accounts``)."""
    tz = ZoneInfo(settings.timezone)
    catalog = load_catalog(settings.catalog_dir, settings.cross_region_catalog)  # the windows' version
    calendar = WorkCalendar.load(settings.calendar_dir)
    categories = categories_for(settings)
    store = store or Store.from_settings(settings)
    upgrade(store)
    _refuse_a_store_with_cases(store)
    clock = DayClock(day, tz)
    cases = CaseService(store, catalog, calendar, clock, hall_code=settings.hall.code, timezone=settings.timezone)
    _ensure_staff(cases, by)
    complaints = ComplaintDesk(store, calendar, categories, clock, hall_code=settings.hall.code,
                               timezone=settings.timezone)
    summary = DemoSummary(day, visits)
    rng = random.Random(seed)
    tickets = TicketService(store, settings, catalog, clock)
    hall = _Day(cases, DeskService(cases), complaints, tickets, clock, rng, summary)
    opening = datetime.combine(day, OPEN, tz).astimezone(UTC)
    span = (datetime.combine(day, CLOSE, tz).astimezone(UTC) - opening).total_seconds()
    for index in range(visits):
        arrival = opening + timedelta(seconds=span * (index + rng.random()) / visits)
        hall.run_due(arrival)
        clock.at_least(arrival)
        hall.visit(index % WINDOWS + 1)
    hall.run_due(datetime.combine(day, CLOSE, tz).astimezone(UTC))  # the rest waits for the next day
    return summary
