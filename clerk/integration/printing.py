"""Where printing meets a case: ``CaseView`` → ``NoticeData``.

Everything else in ``clerk.printing`` works on the plain ``NoticeData`` /
``ManifestData``; this module is the one place that reads a case view.
"""

from __future__ import annotations

import socket
from collections.abc import Iterable
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from clerk.config import Settings
from clerk.domain.intake import MaterialStatus, assess
from clerk.domain.lifecycle import CaseState
from clerk.domain.notices import NoticeStatus
from clerk.domain.verification import VerificationState
from clerk.domain.views import DeadlineKind
from clerk.printing.data import (
    BundleItem,
    CrossRegionNotice,
    MissingMaterial,
    NoticeData,
    PledgeLine,
    PrintError,
    PrintJob,
    ReceivedMaterial,
    ToleratedMaterial,
)
from clerk.printing.printers import printer_for
from clerk.printing.queue import PrintQueue, QueuedNotice
from clerk.services.cases import CaseService
from clerk.store.notices import PRINT_UNKNOWN

if TYPE_CHECKING:
    from clerk.catalog.catalog import Catalog
    from clerk.catalog.model import TimeLimit
    from clerk.domain.accounts import ClerkUser
    from clerk.domain.notices import NoticeKind
    from clerk.domain.views import CaseView, Deadline
    from clerk.printing.printers import Printer
    from clerk.printing.queue import PrintOutcome


def notice_data_from_case(case: CaseView, settings: Settings, *, clerk_name: str = "",
                          catalog: Catalog | None = None) -> NoticeData:
    """Build the printable data of a case from its ``CaseView``.

    For a bundle (一件事一次办) the parent's view is printed: its items are the
    children's names and its materials are the merged checklist.  Missing
    materials come from the one-time notice *as issued* when there is one
    (一次告知: the paper must say exactly what was told), else from the
    checklist's unmet requirements.  On a bundle's paper each material says which
    items need it.  ``catalog`` names each item's result (办理结果, e.g. 公共场所卫生许可证).
    """
    item_names = {child.code: child.name for child in case.children}
    entries = {e.material.key: e.material for e in case.checklist.entries}
    received = []
    tolerated = []
    committed = []  # the signed 容缺承诺书: what is owed and what was owed and has arrived since
    supply = case.deadline(DeadlineKind.SUPPLY)
    for key, material in entries.items():
        mark = case.marks.get(key)
        if mark is None:
            continue
        if mark.status.received:
            form = "原件" if mark.status is MaterialStatus.ORIGINAL else "复印件"
            received.append(ReceivedMaterial(material.name, form, mark.copies or material.copies))
        if mark.status is MaterialStatus.TOLERATED or (mark.status.received and mark.supply_by is not None):
            # The stored deadline is capped at the promised completion; the
            # paper must never promise the applicant more time than that.
            dates = [d for d in (mark.supply_by, supply.due.date if supply else None) if d is not None]
            supply_by = min(dates, default=None)
            if supply_by is not None:
                owed = ToleratedMaterial(material.name, material.requirement, supply_by,
                                         provisional=supply_provisional(supply, supply_by))
                committed.append(owed)
                if mark.status is MaterialStatus.TOLERATED:
                    tolerated.append(owed)

    verdict = assess(case.checklist, case.marks)
    def used_by(codes: Iterable[str]) -> tuple[str, ...]:
        return tuple(item_names[c] for c in codes if c in item_names) if case.is_bundle else ()

    if case.one_time_notice is not None:
        missing = tuple(MissingMaterial(ln.name, ln.requirement, ln.form, ln.copies, used_by(ln.needed_by), ln.choice)
                        for ln in case.one_time_notice)
    else:
        missing = tuple(
            MissingMaterial(e.material.name, e.material.requirement, e.material.form.value, e.material.copies,
                            used_by(e.needed_by))
            for req in verdict.missing
            for e in req.entries[:1]
        )

    promised = case.deadline(DeadlineKind.PROMISED)
    applicant = case.applicant
    items = tuple(child.name for child in case.children) if case.is_bundle else (case.name,)
    data = NoticeData(
        hall=settings.hall,
        case_number=case.number,
        item_names=items or (case.name,),
        bundle_name=case.name if case.is_bundle else "",
        department=case.department,
        applicant_name=applicant.name,
        applicant_id=applicant.id_number,
        applicant_kind=applicant.kind.value,
        contact_name=applicant.contact_name,
        phone=applicant.phone,
        address=applicant.address,
        postcode=applicant.postcode,
        received_at=case.received_at,
        window=f"{case.window}号窗口",
        clerk_name=clerk_name or case.clerk_id,
        delivery=case.delivery.value,
        promised_days=promised.working_days if promised else 0,
        promised_unit=promised.unit.value if promised else "工作日",
        due_date=promised.due.date if promised else None,
        due_provisional=promised.due.provisional if promised else False,
        received=tuple(received),
        missing=missing,
        tolerated=tuple(tolerated),
        committed=tuple(committed),
        reason=case.reason,
        waybill=case.waybill or "",
        items=tuple(bundle_item(child) for child in case.children) if case.is_bundle else (),
        result_name="" if case.is_bundle else result_of(catalog, case.code),
        complete=str(verdict.state) == "complete",
        child_name=case.child_name,
        pledges=pledge_lines(case),
        cross_region=cross_region_notice(case, settings, catalog),
    )
    return revocation_data(case, data, settings) if case.state is CaseState.REVOKED else data


def pledge_lines(case: CaseView) -> tuple[PledgeLine, ...]:
    """The commitments the applicant signed (a bundle's: its items'), as stored when signed."""
    views = [*case.verifications, *(v for child in case.children for v in child.verifications)]
    return tuple(
        PledgeLine(v.name, v.replaces, v.basis, v.method, v.due_on,
                   sampled=None if v.every_case else v.state is not VerificationState.NOT_DRAWN,
                   provisional=v.due_provisional)
        for v in views)


def revocation_data(case: CaseView, data: NoticeData, settings: Settings) -> NoticeData:
    """A revoked case's paper: the false commitments, when and why; what it revokes."""
    false = [v for v in case.verifications if v.state is VerificationState.FALSE]
    verify = next((e for e in reversed(case.events) if e.action == "verify" and (e.after or {}).get("revoked")), None)
    approval = next((e for e in case.events if e.action == "decide" and (e.after or {}).get("decision") == "approved"),
                    None)
    tz = ZoneInfo(settings.timezone)
    approved_on = None
    if approval is not None:
        approved_on = approval.at.astimezone(tz).date()
    elif case.outcome.value == "accept" and case.item_kind == "即办件":  # decided on the spot
        approved_on = case.received_at.astimezone(tz).date()
    decided = verify.at if verify is not None else None
    return replace(
        data, pledges=tuple(line for line in data.pledges if any(v.name == line.name for v in false)),
        reason=false[-1].note if false else case.reason, approved=approved_on is not None, approved_on=approved_on,
        decided_on=decided.astimezone(tz).date() if decided else None, issued_at=decided,
        credit_recorded=bool(verify and (verify.after or {}).get("dishonest")))


def result_of(catalog: Catalog | None, code: str) -> str:
    """The catalog's 办理结果 of an item ("" when unknown: the paper then names none)."""
    item = catalog.item(code) if catalog is not None else None
    return item.result_name if item is not None else ""


def cross_region_notice(case: CaseView, settings: Settings, catalog: Catalog | None) -> CrossRegionNotice | None:
    """跨域通办: a case taken in here for another region's item, with the handling body's contact
    from the catalog (None for the hall's own items, and at the hall that decides it)."""
    item = catalog.item(case.code) if catalog is not None and not case.is_bundle else None
    region = item.region if item is not None else None
    if region is None or case.cross_region is None:
        return None
    return CrossRegionNotice(taken_in=settings.hall.name, region=region.name, body=region.body, phone=region.phone,
                             address=region.address, transfer_days=region.transfer_days,
                             handling_limit=_limit_text(item.promised) if item is not None else "")


def _limit_text(limit: TimeLimit) -> str:
    return {"自然日": f"{limit.count}日", "月": f"{limit.count}个月", "即办": "即办"}.get(
        limit.unit.value, f"{limit.count}个工作日")


def supply_provisional(supply: Deadline | None, supply_by: date) -> bool:
    """A supply-by date is 暂定 when its deadline was counted over a year not published yet,
    up to that date (the day the applicant agreed, or the promised completion capping it)."""
    return bool(supply and supply.due.provisional and any(y <= supply_by.year for y in supply.due.missing_years))


def bundle_item(child: CaseView) -> BundleItem:
    """One item of a bundle as printed: its own number, state and date."""
    state = CaseState(child.state)
    promised = child.deadline(DeadlineKind.PROMISED)
    waiting = state in (CaseState.ACCEPTED, CaseState.TOLERATED)
    return BundleItem(
        number=child.number,
        name=child.name,
        state=state.value,
        due_date=promised.due.date if promised and waiting else None,
        due_provisional=bool(promised and waiting and promised.due.provisional),
        done_at=child.received_at if state is CaseState.DONE_ON_THE_SPOT else None,
    )


class CaseNotices:
    """The case service's notice queue for one case, as the ``NoticeStore`` that
    ``PrintQueue`` works."""

    def __init__(self, cases: CaseService, number: str, user: ClerkUser | None = None,
                 window: int | None = None) -> None:
        self.cases, self.number, self.user, self.window = cases, number, user, window

    def pending(self) -> list[QueuedNotice]:
        view = self.cases.get(self.number)
        jobs = {e.after.get("notice"): PrintJob.from_record(e.after.get("job"))
                for e in view.events if e.action == PRINT_UNKNOWN and e.after}  # the latest per notice
        return [
            QueuedNotice(n.id, self.number, n.kind, n.is_reprint, n.attempts, n.reason,
                         unknown=n.status is NoticeStatus.UNKNOWN, job=jobs.get(n.id), path=n.path, sha256=n.sha256)
            for n in view.notices
            if not NoticeStatus(n.status).issued
        ]

    def mark_printed(self, notice_id: int | str, path: str, sha256: str, *, on_paper: bool = True,
                     settled: bool = False) -> None:
        self.cases.mark_printed(int(notice_id), path=path, sha256=sha256, user=self.user, window=self.window,
                                on_paper=on_paper, attempted=not settled)

    def mark_failed(self, notice_id: int | str, reason: str, *, settled: bool = False) -> None:
        self.cases.mark_failed(int(notice_id), reason, attempted=not settled)

    def mark_unknown(self, notice_id: int | str, reason: str, *, path: str, sha256: str, job: PrintJob) -> None:
        self.cases.mark_unknown(int(notice_id), reason, path=path, sha256=sha256, job=job.record(),
                                user=self.user, window=self.window)


class CasePrinter:
    """Issues the queued notices of a case on the configured printer.

    A notice counts as issued only when the printer took it; a failure leaves
    it queued with the reason, to be retried or reprinted (补打).
    """

    def __init__(self, settings: Settings, printer: Printer | None = None) -> None:
        self.settings = settings
        self.device = printer or printer_for(settings)

    def print_case(self, cases: CaseService, number: str, user: ClerkUser | None = None,
                   window: int | None = None) -> list[PrintOutcome]:
        """Issue every notice of the case still waiting (a print of unknown outcome is settled).

        First the prints of unknown outcome this computer sent for other cases are settled
        (``settle_unknown``): a print server that answers again is asked at the next print.
        """
        self.settle_unknown(cases, user, window, here_only=True, skip=number)
        queue = self._queue(cases, CaseNotices(cases, number, user, window))
        return queue.run_pending()

    def settle_unknown(self, cases: CaseService, user: ClerkUser | None = None, window: int | None = None, *,
                       here_only: bool = False, skip: str = "") -> list[PrintOutcome]:
        """Ask the print servers about every print of unknown outcome and record what they say
        (``here_only``: only jobs this computer sent, the ones it can ask about)."""
        numbers = list(dict.fromkeys(n.case_number for n in cases.unknown_notices() if n.case_number != skip))
        here = socket.gethostname()
        results: list[PrintOutcome] = []
        for number in numbers:
            store = CaseNotices(cases, number, user, window)
            queue = self._queue(cases, store)
            for notice in store.pending():
                if notice.unknown and not (here_only and (notice.job is None or notice.job.host != here)):
                    results.append(queue.settle(notice))
        return results

    def _queue(self, cases: CaseService, store: CaseNotices) -> PrintQueue:
        names: dict[str, str] = {}

        def load(notice: QueuedNotice) -> NoticeData:
            view = cases.get(notice.case_number)
            if view.clerk_id not in names:
                names[view.clerk_id] = cases.clerk_name(view.clerk_id)
            return notice_data_from_case(view, self.settings, clerk_name=names[view.clerk_id], catalog=cases.catalog)

        return PrintQueue(store, self.device, self.settings, load, clock=cases.clock)

    def reprint_case(self, cases: CaseService, number: str, user: ClerkUser, window: int,
                     kinds: Iterable[NoticeKind] | None = None) -> list[PrintOutcome]:
        """Print exactly the notices asked for (all kinds the case was issued, or ``kinds``), one
        paper per kind; the case's other waiting notices are left alone.

        Per kind: a notice of it still waiting is printed, not reprinted (the applicant has
        not had it: a failed original, or a 补打 that failed); one whose last print has an
        unknown outcome is settled first and printed again only when it did not print; else a
        补打 is queued and printed.
        """
        view = cases.get(number)
        issued = list(dict.fromkeys(n.kind for n in view.notices if not n.is_reprint))
        wanted = issued if kinds is None else [k for k in issued if k in set(kinds)]
        if not wanted:
            names = "、".join(k.title for k in issued) or "无"
            raise PrintError(f"案件 {number} 没有可补打的该类通知书（已出具：{names}）")
        store = CaseNotices(cases, number, user, window)
        queue = self._queue(cases, store)
        results: list[PrintOutcome] = []
        for kind in wanted:
            waiting = [n for n in store.pending() if n.kind is kind]
            if waiting and waiting[0].unknown:
                settled = queue.issue(waiting[0])
                if settled.ok or settled.unknown:  # it printed, or it still may: no second paper
                    results.append(settled)
                    continue
                waiting = [n for n in store.pending() if n.kind is kind]
            if not waiting:
                cases.reprint(user, window, number, kind)
                waiting = [n for n in store.pending() if n.kind is kind and n.reprint]
            results.append(queue.issue(waiting[0]))
        return results


def describe(results: list[PrintOutcome], *, to_printer: bool = True) -> str:
    """One Chinese sentence on what the printer did (``to_printer=False``: PDFs only)."""
    if not results:
        return "没有待打印的通知书"
    done = [r for r in results if r.ok]
    unknown = [r for r in results if r.unknown]
    failed = [r for r in results if not r.ok and not r.unknown]
    parts = []
    if done:
        verb = "已打印" if to_printer else "已生成通知书PDF（未配置打印机，请从 receipts 目录打印）"
        parts.append(f"{verb}：" + "、".join(r.notice.kind.title + (f"（{r.note}）" if r.note else "")
                                          for r in done))
    if unknown:
        parts.append("；".join(f"{r.notice.kind.title}{r.reason}" for r in unknown))
    if failed:
        parts.append("未能打印：" + "；".join(f"{r.notice.kind.title}（{r.reason}）" for r in failed))
    return "；".join(parts)


def reprint_from_store(
    case_number: str,
    kind: NoticeKind,
    settings: Settings,
    *,
    clerk_id: str,
    password: str,
    window: int,
    paper: str | None = None,
) -> list[PrintOutcome]:
    """``clerk print CASE --kind KIND``: queue a 补打 of the notice and issue it.

    The clerk signs in (the reprint is an audit event with their name); the
    outcome of each notice printed is returned, as at the window.
    """
    if paper:
        settings = replace(settings, paper=paper)
    cases = CaseService.from_settings(settings)
    user = cases.authenticate(clerk_id, password, via="cli", window=window)
    return CasePrinter(settings).reprint_case(cases, case_number.strip().upper(), user, window, kinds=[kind])
