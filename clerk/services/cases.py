"""The service layer the screens and scripts call (docs/architecture.md, "cases").

One call = one transaction.  Calls return frozen views (``clerk.domain.views``),
never ORM rows.  Roles are enforced here, not in the UI.  Store and session
details stay inside ``clerk.store``; SQLAlchemy is imported on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import and_, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import col

from clerk.calendar import WorkCalendar
from clerk.catalog import checklist_from_dict, checklist_to_dict, load_catalog
from clerk.domain.accounts import ClerkUser, Role
from clerk.domain.clock import now_utc
from clerk.domain.deadlines import local_date, running
from clerk.domain.errors import (
    AuthenticationFailed,
    CaseNotFound,
    IntakeError,
    StoreUnavailable,
)
from clerk.domain.intake import IntakeDraft, Outcome
from clerk.domain.lifecycle import CaseState
from clerk.domain.permissions import MAY, Action
from clerk.domain.plan import CasePlan, plan_intake
from clerk.domain.views import CaseSummary, CaseView, CrossRegion, DeadlineKind, IntakePreview
from clerk.identity import check_phone, check_resident_id, check_uscc
from clerk.printing.coverage import intake_refusals
from clerk.services.accounts import AccountService
from clerk.services.operations import Audited, LifecycleOperations
from clerk.services.unit import UnitOfWork, checked_account
from clerk.store import convert
from clerk.store.audit import PENDING, append_event, verify_chain
from clerk.store.audited import INSERTED
from clerk.store.convert import normalised
from clerk.store.engine import Store
from clerk.store.materials import save_files, stored_material, stored_materials
from clerk.store.notices import NoticeKind, NoticeQueue, NoticeView, notice_view, queue_notice
from clerk.store.numbering import allocate_number, parse_number
from clerk.store.signin import SignIn, SignInPolicy
from clerk.store.tables import AuditEvent, CaseRow, ClerkAccount, DeadlineRow, NoticeRow, saved_id, table_of
from clerk.store.tables_exchange import HALL_ID_MAX, ExchangeCaseRow
from clerk.store.tables_materials import MaterialFileRow
from clerk.store.tables_verification import VerificationRow
from clerk.store.verifications import add_verifications, verification_view, verifications_of

if TYPE_CHECKING:
    from sqlalchemy import Select
    from sqlmodel import Session

    from clerk.calendar import WorkingDays
    from clerk.catalog.catalog import Catalog
    from clerk.config import Settings
    from clerk.store.audit import ChainReport

INTAKE_ROLES = MAY[Action.INTAKE]
SUMMARY_FIELDS = ("number", "name", "state", "applicant_kind", "applicant_name", "applicant_id_number",
                  "applicant_phone", "window", "received_at", "due_on", "due_provisional")
#: a case for the same applicant and item this recent is reported before a second one is made
REPEAT_MINUTES = 30
KEPT_VISIT_DAYS = 7  # a visit kept through an outage keeps its time for this long (then: refused, reported)
KEPT_VISIT_SKEW = timedelta(minutes=2)  # a visit's time may be this far ahead of the store's clock
OPEN_STATES = tuple(s.value for s in CaseState if s.is_open and s is not CaseState.RECEIVED)


def _pledged_materials(plan: CasePlan) -> tuple[str, ...]:
    """The materials the plan takes on 告知承诺 (an item's own commitment is not the applicant's choice)."""
    return tuple(dict.fromkeys(v.name for case in (plan, *plan.children) for v in case.verifications
                               if v.material_key))


def _pledge_problems(session: Session, draft: IntakeDraft, pledged: tuple[str, ...], tz: ZoneInfo) -> list[str]:
    """An applicant with a 失信记录 signs no new 告知承诺 for a material (the material must come)."""
    if not pledged:
        return []
    from clerk.services.verification import dishonest_entries

    entries = dishonest_entries(session, convert.applicant_columns(draft.applicant)["applicant_id_number"])
    if not entries:
        return []
    first = entries[0]
    return [f"申请人有告知承诺失信记录（案件 {first.case_number}，{first.recorded_at.astimezone(tz):%Y-%m-%d}），"
            f"不适用告知承诺，请收取“{'、'.join(pledged)}”"]


def _file_problems(plan: CasePlan, draft: IntakeDraft) -> list[str]:
    """Captured pages the case cannot keep: a material not on its checklist, or bytes that changed."""
    keys = {entry.material.key for entry in plan.checklist.entries}
    problems = []
    for key, file in sorted(draft.files.items()):
        if key != file.material_key or key not in keys:
            problems.append(f"扫描件“{key}”不是本事项材料清单中的材料，无法保存")
        elif not file.intact() or file.pages < 1:
            problems.append(f"材料“{key}”的扫描件已损坏（摘要不符），请重新扫描")
    return problems


_KEY_AND_ACCOUNT: Any = None  # built on first use (``_key_and_account``)


def _key_and_account() -> Any:
    """One statement: the id of the case stored under the visit's key (``saved``, NULL for none)
    and the acting account's columns (NULL when there is no such account; ``checked_account``)."""
    global _KEY_AND_ACCOUNT
    if _KEY_AND_ACCOUNT is None:
        from sqlalchemy import bindparam, literal

        accounts, cases = table_of(ClerkAccount), table_of(CaseRow)
        saved = select(cases.c.id).where(cases.c.visit_key == bindparam("key", type_=cases.c.visit_key.type))
        one = select(literal(1).label("one")).subquery("one")
        _KEY_AND_ACCOUNT = select(
            saved.scalar_subquery().label("saved"), accounts.c.id, accounts.c.name, accounts.c.role,
            accounts.c.active,
        ).select_from(one.outerjoin(accounts, accounts.c.id == bindparam("id", type_=accounts.c.id.type)))
    return _KEY_AND_ACCOUNT


def _summary_select() -> Select[Any]:
    """Only the columns a list shows: no JSON checklist to decode per row."""
    return select(*(getattr(CaseRow, name) for name in SUMMARY_FIELDS))


class CaseService(LifecycleOperations):
    """Cases of one hall: intake, look-up, lifecycle, print queue, audit."""

    def __init__(
        self,
        store: Store,
        catalog: Catalog,
        calendar: WorkCalendar,
        clock: Callable[[], datetime] = now_utc,
        *,
        hall_code: str = "SF",
        timezone: str = "Asia/Shanghai",
        fallback_may_decide: bool = False,
        font_path: str = "",
        hall_id: str = "",
    ) -> None:
        self.store = store
        # 跨域通办: this hall's name as 收件地 of another region's item ([exchange] hall_id, else the hall's name)
        self.hall_id = hall_id
        self.font_path = font_path  # Settings.font_path: the notices' font chain (clerk.printing.coverage)
        self.catalog = catalog
        self.calendar = calendar
        self.clock = clock
        self.hall_code = hall_code
        self.tz = ZoneInfo(timezone)
        self.notices = NoticeQueue(store, clock)
        self.uow = UnitOfWork(store, lambda: self.clock(), fallback_may_decide=fallback_may_decide)
        self.accounts = AccountService(store, lambda: self.clock())

    @classmethod
    def from_settings(cls, settings: Settings, *, store: Store | None = None, catalog: Catalog | None = None,
                      calendar: WorkCalendar | None = None) -> CaseService:
        service = cls(
            store or Store.from_settings(settings),
            catalog or load_catalog(settings.catalog_dir, settings.cross_region_catalog),
            calendar or WorkCalendar.load(settings.calendar_dir),
            hall_code=settings.hall.code,
            timezone=settings.timezone,
            fallback_may_decide=settings.fallback_may_decide,
            font_path=settings.font_path,
            hall_id=(settings.exchange.hall_id or settings.hall.name)[:HALL_ID_MAX],
        )
        service.sign_in_policy = SignInPolicy.from_settings(settings)
        return service

    def today(self) -> date:
        return local_date(self.clock(), self.tz)

    def working_days_left(self, due: date) -> WorkingDays:
        """Working days from today (hall time) to ``due``: negative once lapsed, with ``provisional``."""
        return self.calendar.count_working_days(self.today(), due)

    # -- accounts -------------------------------------------------------------

    sign_in_policy: SignInPolicy | None = None  # None: from the settings

    def authenticate(self, clerk_id: str, password: str, *, via: str = "window", window: int | None = None,
                     new_password: str | None = None, roles: Iterable[Role] | None = None,
                     policy: SignInPolicy | None = None) -> ClerkUser:
        """Sign in (lock-out, audit, new password): see ``clerk.store.signin.SignIn.authenticate``."""
        return SignIn(self.store, self.clock, self.tz, self.sign_in_policy).authenticate(
            clerk_id, password, via=via, window=window, new_password=new_password, roles=roles, policy=policy)

    def account(self, clerk_id: str) -> ClerkUser:
        """An active account by id, for work it already signed for (a visit kept during an outage)."""
        with self.store.session(write=False) as session:
            row = session.get(ClerkAccount, clerk_id)
            if row is None or not row.active:
                raise AuthenticationFailed()
            return ClerkUser(row.id, row.name, Role(row.role))

    def clerk_name(self, clerk_id: str) -> str:
        """The clerk's name as printed on notices (the id when the account is gone)."""
        with self.store.session(write=False) as session:
            row = session.get(ClerkAccount, clerk_id)
            return row.name if row is not None else clerk_id

    def add_user(self, by: ClerkUser | None, clerk_id: str, name: str, role: Role, password: str, *,
                 must_change: bool = False, password_rule: bool = False) -> ClerkUser:
        """Create an account; ``by=None`` is the administrator's command line (``AccountService.add``).

        ``password_rule``: apply ``clerk.domain.passwords`` (what people choose goes through it);
        ``must_change``: the password is an initial one, to be replaced at the first sign-in.
        """
        return self.accounts.add(by, clerk_id, name, role, password, must_change=must_change,
                                 password_rule=password_rule)

    def count_users(self) -> int:
        with self.store.session(write=False) as session:
            return int(session.execute(select(func.count()).select_from(ClerkAccount)).scalar_one())

    # -- intake ---------------------------------------------------------------

    def preview(self, draft: IntakeDraft, outcome: Outcome, reason: str = "") -> IntakePreview:
        """What ``submit`` would store and print, without writing anything."""
        received_at = self.clock()
        plan, problems = plan_intake(self.catalog, self.calendar, draft, outcome, received_at, self.tz, reason)
        problems = [*problems, *_file_problems(plan, draft)]  # said at the confirmation, not after it
        return IntakePreview(
            code=plan.code, name=plan.name, outcome=outcome, state=plan.state, verdict=plan.verdict,
            received_at=received_at, deadlines=tuple(plan.deadlines), documents=tuple(plan.documents),
            problems=tuple(problems), children=tuple((c.code, c.name, c.state) for c in plan.children),
            child_deadlines=tuple(tuple(c.deadlines) for c in plan.children),
            unprintable=tuple(intake_refusals(draft, reason, self.font_path)) if plan.documents else (),
            pledges=tuple((v.name, v.commitment.method.value, v.due)
                          for case in (plan, *plan.children) for v in case.verifications),
            pledged_materials=_pledged_materials(plan),
        )

    def submit(self, user: ClerkUser, window: int, draft: IntakeDraft, outcome: Outcome,
               reason: str = "", *, visit_key: str | None = None, received_at: datetime | None = None) -> CaseView:
        """Commit the visit: case(s), numbers, deadlines, queued notices, audit — one transaction.

        ``visit_key`` names the visit (clerk.services.visits): a visit already stored under
        it is returned as it is, never stored a second time (a unique index enforces it
        even for two windows racing with the same key).

        ``received_at``: when the applicant was at the window, for a visit kept through a
        store outage and saved later (default: now).  The case number's date and every
        deadline count from it; it may be at most ``KEPT_VISIT_DAYS`` days old and never
        in the future, and the audit records when it was saved.
        """
        now = self.clock()
        try:
            with self.store.session(write=True) as session:
                session.info[INSERTED] = []  # the rows written, for the case handed back (``_written_view``)
                # The visit's key is looked up in the write transaction itself, in the statement
                # that reads the acting account (not in a transaction of its own before it: four
                # round trips less at a station); a visit already stored is returned as it is,
                # before any check of its time or account, and nothing is written.
                key_and_account = session.connection().execute(
                    _key_and_account(), {"key": visit_key or None, "id": getattr(user, "id", None)}).one()
                if key_and_account.saved is not None:
                    return self.view_of(session, session.get_one(CaseRow, key_and_account.saved))
                if received_at is None:
                    received_at = now
                elif received_at.tzinfo is None or received_at > now + KEPT_VISIT_SKEW:
                    raise IntakeError(["办件时间不能晚于现在（请检查本机时钟）"])
                elif received_at < now - timedelta(days=KEPT_VISIT_DAYS):
                    raise IntakeError([f"暂存的办件已超过 {KEPT_VISIT_DAYS} 天，不能按当时的时间受理，请联系管理员核实后重新受理"])
                plan, problems = plan_intake(self.catalog, self.calendar, draft, outcome, received_at, self.tz,
                                             reason)
                # the account as stored (read with the key), before anything is written
                user = self.uow.permitted(checked_account(key_and_account, user), Action.INTAKE)
                problems = problems or _file_problems(plan, draft) or _pledge_problems(session, draft, _pledged_materials(plan), self.tz)
                if problems:
                    raise IntakeError(problems)
                parent = self._insert_case(session, plan, draft, outcome, user, window, received_at, reason, None,
                                           visit_key=visit_key, saved_at=now)
                for child in plan.children:
                    self._insert_case(session, child, draft, outcome, user, window, received_at, reason, parent)
                # the pages: in this transaction, or not at all
                save_files(session, saved_id(parent), draft.files.values(), by=user.id, at=now)
                for kind in plan.documents:
                    queue_notice(session, saved_id(parent), kind, at=received_at)
                # The view is built from the rows this transaction wrote, not read back in a
                # transaction of its own after the commit (eight round trips at a station);
                # in memory, so the numbering and audit-head locks are held no longer.
                session.flush()
                view = self._written_view(session, parent)
        except IntegrityError:
            first = self.saved_visit(visit_key) if visit_key else None
            if first is None:
                raise
            return first  # the same visit committed meanwhile (another attempt): that one stands
        return view

    def pledge_problems(self, draft: IntakeDraft, pledged: tuple[str, ...]) -> list[str]:
        """Why this applicant may not sign the 告知承诺 for ``pledged`` (``IntakePreview.pledged_materials``):
        a 失信记录, said at the confirmation; ``submit`` checks the same inside its transaction."""
        with self.store.session(write=False) as session:
            return _pledge_problems(session, draft, pledged, self.tz)

    def recent_visit(self, user: ClerkUser, draft: IntakeDraft, visit_key: str = "", *,
                     minutes: int = REPEAT_MINUTES) -> CaseSummary | None:
        """The case (masked) this applicant already has for this item from the last ``minutes``,
        made by another visit than ``visit_key``; None when there is none.

        Asked before a visit is confirmed: a visit typed again after its kept copy was
        cleared would otherwise make a second case.  A warning, not a refusal (the same
        applicant may rightly apply twice)."""
        id_number = convert.applicant_columns(draft.applicant)["applicant_id_number"]
        if not draft.code or not id_number:
            return None
        query = _summary_select().where(
            col(CaseRow.applicant_id_number) == id_number, col(CaseRow.code) == draft.code,
            col(CaseRow.parent_id).is_(None), col(CaseRow.received_at) >= self.clock() - timedelta(minutes=minutes))
        if visit_key:
            query = query.where(or_(col(CaseRow.visit_key).is_(None), col(CaseRow.visit_key) != visit_key))
        with self.uow.begin(user, Action.INTAKE, write=False) as (session, _account):
            row = session.execute(query.order_by(col(CaseRow.received_at).desc()).limit(1)).first()
            return convert.case_summary(row) if row is not None else None

    def saved_visit(self, visit_key: str) -> CaseView | None:
        """The case stored for this visit, or None when the store holds none (yet)."""
        with self.store.session(write=False) as session:
            row = session.execute(select(CaseRow).where(col(CaseRow.visit_key) == visit_key)).scalar_one_or_none()
            return self.view_of(session, row) if row is not None else None

    def _insert_case(self, session: Session, plan: CasePlan, draft: IntakeDraft, outcome: Outcome,
                     user: ClerkUser, window: int, at: datetime, reason: str, parent: CaseRow | None,
                     *, visit_key: str | None = None, saved_at: datetime | None = None) -> CaseRow:
        current = running(plan.deadlines)
        row = CaseRow(
            number=allocate_number(session, local_date(at, self.tz), self.hall_code),
            parent_id=parent.id if parent is not None else None,
            code=plan.code, name=plan.name, department=plan.department, is_bundle=plan.is_bundle,
            item_kind=plan.item_kind, catalog_version=plan.checklist.catalog_version,
            checklist=checklist_to_dict(plan.checklist), marks=convert.marks_to_json(plan.marks),
            **convert.applicant_columns(draft.applicant),
            delivery=draft.delivery.value, window=window, clerk_id=user.id, state=plan.state.value,
            outcome=outcome.value, received_at=at,
            due_on=current.due.date if current else None, due_kind=current.kind.value if current else None,
            due_provisional=current.due.provisional if current else False,
            one_time_notice=convert.notice_lines_to_json(plan.notice) if plan.notice is not None else None,
            reason=reason.strip(), version=1, updated_at=at, visit_key=visit_key,
            child_name=draft.child_name.strip() or None,
        )
        session.add(row)
        session.flush()
        for deadline in plan.deadlines:
            session.add(DeadlineRow(case_id=saved_id(row), **convert.deadline_columns(deadline)))
        after: Audited = {"state": plan.state.value, "code": plan.code, "outcome": outcome.value,
                                 "marks": row.marks}
        if plan.verifications:  # 告知承诺: what to verify, by when, and whether this case was drawn
            after["verifications"] = add_verifications(session, saved_id(row), plan.verifications, at)
        if parent is not None:
            after["parent"] = parent.number
        if plan.region is not None:  # 跨域通办: taken in here (收件地), decided there (办理地)
            taken_in = self.hall_id or "本大厅"
            session.add(ExchangeCaseRow(case_id=saved_id(row), taken_in_hall=taken_in,
                                        deciding_hall=plan.region.hall_id, ref_number=row.number, created_at=at))
            after["cross_region"] = {"taken_in": taken_in, "deciding": plan.region.hall_id}
        if plan.notice is not None:
            after["one_time_notice"] = [line.key for line in plan.notice]
        if saved_at is not None and saved_at != at:  # a kept visit: received then, saved now
            after["received_at"] = at.isoformat()
        if parent is None and draft.files:  # the pages' digests, also in the event itself
            after["files"] = {key: {"pages": f.pages, "sha256": f.sha256, "sm3": f.sm3}
                              for key, f in sorted(draft.files.items())}
        self._audit(session, user.id, window, "intake", row.number, {"state": CaseState.RECEIVED.value}, after)
        return row

    # -- look-up --------------------------------------------------------------

    def get(self, number: str) -> CaseView:
        """The full view for the services' own use after a change (screens read through ``LookupService``,
        scripts through ``clerk.services.system_reader.SystemReader``: masked, or audited)."""
        with self.store.session(write=False) as session:
            return self.view_of(session, self.load(session, number))

    def find(self, text: str, limit: int = 50) -> list[CaseSummary]:
        """Cases by number, ID number, phone or applicant name: names that start with ``text``
        first (the name index serves them), then names that hold it elsewhere (``王五`` finds
        ``张王五``), newest first within each."""
        text = text.strip()
        if not text:
            return []
        newest = col(CaseRow.received_at).desc()
        if parse_number(text):
            condition = col(CaseRow.number) == text.upper()
        else:
            id_number = normalised(check_resident_id, text)
            if id_number == text.upper():
                id_number = normalised(check_uscc, text)
            condition = or_(
                col(CaseRow.applicant_id_number) == id_number,
                col(CaseRow.applicant_phone) == normalised(check_phone, text),
                # Prefix as a range so the name index serves it on both databases.
                and_(col(CaseRow.applicant_name) >= text, col(CaseRow.applicant_name) < text + "\uffff"),
            )
        with self.store.session(write=False) as session:
            found = [convert.case_summary(row)
                     for row in session.execute(_summary_select().where(condition).order_by(newest).limit(limit))]
            if len(found) < limit and not parse_number(text):
                inside = and_(col(CaseRow.applicant_name).contains(text, autoescape=True),
                              ~col(CaseRow.applicant_name).startswith(text, autoescape=True))
                query = _summary_select().where(inside).order_by(newest).limit(limit - len(found))
                seen = {summary.number for summary in found}
                found += [summary for summary in map(convert.case_summary, session.execute(query))
                          if summary.number not in seen]
        return found

    def open_cases(self, window: int | None = None, limit: int = 200) -> list[CaseSummary]:
        """Open cases (by window when given), newest first."""

        query = _summary_select().where(col(CaseRow.state).in_(OPEN_STATES))
        if window is not None:
            query = query.where(col(CaseRow.window) == window)
        query = query.order_by(col(CaseRow.received_at).desc()).limit(limit)
        with self.store.session(write=False) as session:
            return [convert.case_summary(row) for row in session.execute(query)]

    def overdue(self, today: date | None = None, limit: int = 200) -> list[CaseSummary]:
        """Cases whose running deadline is before ``today`` (local), most overdue first."""

        today = today or self.today()
        query = (
            _summary_select()
            .where(col(CaseRow.due_on) < today, col(CaseRow.state).in_(OPEN_STATES))
            .order_by(col(CaseRow.due_on))
            .limit(limit)
        )
        with self.store.session(write=False) as session:
            return [convert.case_summary(row) for row in session.execute(query)]

    # -- print queue ----------------------------------------------------------

    def pending_notices(self, limit: int = 100) -> list[NoticeView]:
        return self.notices.pending(limit)

    def unknown_notices(self, limit: int = 200) -> list[NoticeView]:
        """Notices whose print has an unknown outcome, to settle when the print server answers."""
        return self.notices.unknown(limit)

    def mark_printed(self, notice_id: int, *, path: str, sha256: str, user: ClerkUser | None = None,
                     window: int | None = None, on_paper: bool = True, attempted: bool = True) -> NoticeView:
        """The notice is issued: printed (``on_paper``) or, with no printer set, saved as its PDF."""
        return self.notices.mark_printed(notice_id, path=path, sha256=sha256,
                                         actor=user.id if user else "system", window=window,
                                         on_printed=self._notice_issued, on_paper=on_paper,
                                         attempted=attempted)

    def _notice_issued(self, session: Session, notice: NoticeRow, now: datetime) -> None:
        """A one-time notice counts as told only once it is printed (一次告知, art. 32)."""
        if notice.kind != NoticeKind.ONE_TIME.value or notice.is_reprint:
            return
        row = session.get_one(CaseRow, notice.case_id)
        # A bundle's notice tells its waiting items too: each of them has been told.
        waiting = [kid for kid in self.children_of(session, row) if kid.state == CaseState.INCOMPLETE.value]
        for case in (row, *waiting):
            if case.notice_issued_at is None:
                case.notice_issued_at = now
                session.add(case)
            self.meet_and_refresh(session, case, now, DeadlineKind.NOTICE)

    def mark_failed(self, notice_id: int, reason: str, *, attempted: bool = True) -> NoticeView:
        return self.notices.mark_failed(notice_id, reason, attempted=attempted)

    def mark_unknown(self, notice_id: int, reason: str, *, path: str, sha256: str, job: dict[str, object],
                     user: ClerkUser | None = None, window: int | None = None) -> NoticeView:
        """The printer took the notice and its outcome is not known yet (see ``NoticeStatus.UNKNOWN``)."""
        return self.notices.mark_unknown(notice_id, reason, path=path, sha256=sha256, job=job,
                                         actor=user.id if user else "system", window=window)

    # -- audit ----------------------------------------------------------------

    def verify_audit(self) -> ChainReport:
        with self.store.session(write=False, snapshot=True) as session:
            return verify_chain(session)

    # -- helpers shared with the lifecycle operations ---------------------------

    def _audit(self, session: Session, actor: str, window: int | None, action: str, number: str | None,
               before: Audited | None, after: Audited | None) -> None:
        append_event(session, at=self.clock(), actor=actor, window=window, action=action,
                     case_number=number, before=before, after=after)

    def load(self, session: Session, number: str) -> CaseRow:
        row: CaseRow | None = session.execute(
            select(CaseRow).where(col(CaseRow.number) == number.strip().upper())).scalar_one_or_none()
        if row is None:
            raise CaseNotFound(number.strip())
        return row

    def _written_view(self, session: Session, row: CaseRow, *, with_children: bool = True) -> CaseView:
        """``view_of`` a case this transaction has just created, from what it wrote, without a read.

        Every row of a new case (its deadlines, notices, files, items) was inserted and flushed by
        this transaction (``clerk.store.audited.INSERTED``); its audit events are the transaction's
        pending ones.  Kept equal to ``view_of`` of the committed case (tests/store/
        test_station_round_trips.py compares them)."""
        written = session.info.get(INSERTED, [])

        def of(kind: type[Any], **match: object) -> list[Any]:
            return sorted((obj for obj in written if isinstance(obj, kind)
                           and all(getattr(obj, name) == value for name, value in match.items())),
                          key=lambda obj: obj.id)

        case_id = saved_id(row)
        events = tuple(convert.audit_entry_of(e) for e in sorted(session.info.get(PENDING, []), key=lambda e: e.seq)
                       if e.case_number == row.number)
        children: tuple[CaseView, ...] = ()
        if with_children and row.is_bundle:
            children = tuple(self._written_view(session, kid, with_children=False)
                             for kid in of(CaseRow, parent_id=case_id))
        parent_number = None
        if row.parent_id is not None:
            parent_number = next(obj.number for obj in of(CaseRow, id=row.parent_id))
            keys = {entry.material.key for entry in checklist_from_dict(row.checklist).entries}
            files = [f for f in of(MaterialFileRow, case_id=row.parent_id) if f.material_key in keys]
        else:
            files = []
        files += of(MaterialFileRow, case_id=case_id)
        verifications = tuple(verification_view(v, row.number, row.name, row.department, row.applicant_name)
                              for v in of(VerificationRow, case_id=case_id))
        link = next(iter(of(ExchangeCaseRow, case_id=case_id)), None)
        return convert.case_view(
            row, deadlines=tuple(convert.deadline_of(d) for d in of(DeadlineRow, case_id=case_id)),
            children=children, events=events,
            notices=tuple(notice_view(n, row.number) for n in of(NoticeRow, case_id=case_id)),
            parent_number=parent_number, files=tuple(stored_material(f) for f in files), verifications=verifications,
            cross_region=CrossRegion(link.taken_in_hall, link.deciding_hall, link.remote_number) if link else None,
        )

    def view_of(self, session: Session, row: CaseRow, *, with_children: bool = True) -> CaseView:
        deadlines = tuple(
            convert.deadline_of(d)
            for (d,) in session.execute(select(DeadlineRow).where(col(DeadlineRow.case_id) == row.id).order_by(col(DeadlineRow.id)))
        )
        events = tuple(
            convert.audit_entry_of(e)
            for (e,) in session.execute(select(AuditEvent).where(col(AuditEvent.case_number) == row.number).order_by(col(AuditEvent.seq)))
        )
        children: tuple[CaseView, ...] = ()
        if with_children and row.is_bundle:
            kids = session.execute(select(CaseRow).where(col(CaseRow.parent_id) == row.id).order_by(col(CaseRow.id)))
            children = tuple(self.view_of(session, kid, with_children=False) for (kid,) in kids)
        parent_number = None
        if row.parent_id is not None:
            parent_number = session.execute(select(col(CaseRow.number)).where(col(CaseRow.id) == row.parent_id)).scalar_one()
        if row.parent_id is None:
            files = stored_materials(session, saved_id(row))
        else:  # an item of a bundle: the bundle's pages of its own materials, then its own supplements'
            keys = [entry.material.key for entry in checklist_from_dict(row.checklist).entries]
            files = stored_materials(session, row.parent_id, keys) + stored_materials(session, saved_id(row))
        verifications = tuple(verification_view(v, row.number, row.name, row.department, row.applicant_name)
                              for v in verifications_of(session, saved_id(row)))
        link = session.execute(select(ExchangeCaseRow).where(col(ExchangeCaseRow.case_id) == row.id)).scalar_one_or_none()
        return convert.case_view(
            row, deadlines=deadlines, children=children, events=events,
            notices=self.notices.for_case(session, saved_id(row), row.number), parent_number=parent_number,
            files=files, verifications=verifications,
            cross_region=CrossRegion(link.taken_in_hall, link.deciding_hall, link.remote_number) if link else None,
        )
