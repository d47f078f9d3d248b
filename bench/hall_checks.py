"""After a simulated day (or a fault): is every case whole and the store consistent?

``check_store(store, hall="SF")`` reads the tables directly (not through the
service: it must see what is really stored) and returns a list of problems,
empty when everything holds:

- numbers: per day, the serials of the hall are exactly 1..N (gap-free, no
  duplicate) and the day's counter says N — a rolled-back intake gives its
  serial back, so even a killed window leaves no hole;
- states: each case's audit trail starts with its intake (已收件 → …), every
  state change is allowed by ``clerk.domain.lifecycle.TRANSITIONS``, each
  event starts where the previous one ended, and the last one is the row's state;
- notices: the notices recorded for a case are exactly those its history
  calls for (intake documents, 承诺件通知书 on acceptance after supplements,
  the decision's notice, 不予受理通知书, EMS manifest);
- deadlines: an open case has the deadlines its state needs and ``due_on`` is
  the earliest unmet one;
- visits: no two cases from one visit — no visit key on two cases; with
  ``visits=True`` (the hall simulation, whose windows key every visit) also
  every top-level case carries a key, and no two keyless cases look like one
  visit (same applicant, item, window, clerk and materials, received within
  ``SAME_VISIT_SECONDS``) — tests that submit one draft repeatedly keep the default;
- the audit hash chain verifies; SQLite also passes ``PRAGMA integrity_check``
  and ``PRAGMA foreign_key_check``.

Cases of other halls (the bulk-loaded history uses hall ``BM``) are ignored.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from types import SimpleNamespace
from typing import Any

from clerk.domain.lifecycle import TRANSITIONS, CaseState
from clerk.domain.plan import bundle_documents, documents_for
from clerk.store.notices import NoticeKind

_RESULT_NOTICE = {
    CaseState.APPROVED: NoticeKind.RESULT_READY,
    CaseState.CORRECTION: NoticeKind.RESULT_CORRECTION,
    CaseState.REFUSED: NoticeKind.RESULT_REFUSED,
}
SAME_VISIT_SECONDS = 120
_NEEDED_DEADLINES = {
    CaseState.ACCEPTED: {"promised"},
    CaseState.TOLERATED: {"promised", "supply_by"},
    CaseState.INCOMPLETE: {"one_time_notice"},
}


def expected_notices(before: CaseState, after: CaseState, action: str, top_level: bool,
                     items: list[tuple[CaseState, bool]] | None = None, *, pledged: bool = False) -> list[NoticeKind]:
    """The notices one audited step must have queued (``items``: a bundle's items as taken in —
    state, taken on 告知承诺 — which decide its papers: clerk.domain.plan.bundle_documents;
    ``pledged``: the step took the case on 告知承诺, its intake event lists verifications)."""
    if action == "mail_queue":
        return [NoticeKind.MANIFEST]
    if before is CaseState.RECEIVED:
        if not top_level:
            return []
        if items:
            children = [SimpleNamespace(state=state, verifications=(True,) if pledge else ()) for state, pledge in items]
            return bundle_documents(after, children)  # type: ignore[arg-type]
        return list(documents_for(after, pledged))
    if after is CaseState.REVOKED:
        return [NoticeKind.REVOCATION]
    if before is after:
        return []
    if after is CaseState.ACCEPTED and before in (CaseState.INCOMPLETE, CaseState.CORRECTION):
        return [NoticeKind.PROMISED]
    if after is CaseState.TOLERATED:
        return [NoticeKind.PROMISED, NoticeKind.COMMITMENT]
    if after in _RESULT_NOTICE:
        return [_RESULT_NOTICE[after]]
    if after is CaseState.NOT_ACCEPTED:
        return [NoticeKind.REJECTION]
    return []


def check_store(store: Any, hall: str = "SF", *, reported: list[str] | None = None,
                visits: bool = False) -> list[str]:
    """Every problem found (empty list: the store is whole).  ``reported``: the numbers
    the windows were told were committed — each must exist, and nothing else."""
    from sqlalchemy import select, text

    from clerk.store.audit import verify_chain
    from clerk.store.tables import (
        AuditEvent,
        CaseCounter,
        CaseRow,
        DeadlineRow,
        NoticeRow,
    )

    problems: list[str] = []
    pattern = f"%-{hall}-%"
    with store.session(write=False, snapshot=True) as session:  # one moment, while windows write
        cases = {r.number: r for (r,) in session.execute(select(CaseRow).where(CaseRow.number.like(pattern)))}
        ids = {r.id: r for r in cases.values()}
        counters = {(c.day, c.hall): c.last for (c,) in session.execute(
            select(CaseCounter).where(CaseCounter.hall == hall))}
        deadlines: dict[int, list[Any]] = defaultdict(list)
        for (d,) in session.execute(select(DeadlineRow)):
            if d.case_id in ids:
                deadlines[d.case_id].append(d)
        notices: dict[int, Counter] = defaultdict(Counter)
        for (n,) in session.execute(select(NoticeRow).where(NoticeRow.is_reprint.is_(False))):
            if n.case_id in ids:
                notices[n.case_id][NoticeKind(n.kind)] += 1
        events: dict[str, list[Any]] = defaultdict(list)
        for (e,) in session.execute(select(AuditEvent).where(AuditEvent.case_number.like(pattern))
                                    .order_by(AuditEvent.seq)):
            events[e.case_number].append(e)
        chain = verify_chain(session)
        if store.is_sqlite:
            integrity = session.execute(text("PRAGMA integrity_check")).scalars().all()
            if integrity != ["ok"]:
                problems.append(f"SQLite integrity_check: {integrity[:5]}")
            foreign = session.execute(text("PRAGMA foreign_key_check")).all()
            if foreign:
                problems.append(f"SQLite foreign_key_check: {len(foreign)} row(s), e.g. {foreign[:3]}")
    if not chain.ok:
        problems.append(f"audit chain: {chain.message}")
    problems += _numbers(cases, counters, reported)
    problems += one_case_per_visit(list(cases.values()), strict=visits)
    items: dict[int, list[tuple[CaseState, bool]]] = defaultdict(list)  # a bundle's items as taken in
    for number, row in sorted(cases.items()):
        intake = next((e for e in events.get(number, []) if e.action == "intake" and e.after), None)
        if row.parent_id is not None and intake is not None and "state" in intake.after:
            items[row.parent_id].append((CaseState(intake.after["state"]), bool(intake.after.get("verifications"))))
    for number, row in sorted(cases.items()):
        problems += _history(row, events.get(number, []), notices.get(row.id, Counter()), items.get(row.id))
        problems += _deadlines(row, deadlines.get(row.id, []))
    return problems


def _numbers(cases: dict[str, Any], counters: dict[tuple[str, str], int], reported: list[str] | None) -> list[str]:
    from clerk.store.numbering import parse_number

    problems: list[str] = []
    by_day: dict[tuple[str, str], list[int]] = defaultdict(list)
    for number in cases:
        day, hall, serial = parse_number(number)
        by_day[(f"{day:%Y%m%d}", hall)].append(serial)
    for key in sorted(set(by_day) | set(counters)):
        serials = sorted(by_day.get(key, []))
        last = counters.get(key, 0)
        if serials != list(range(1, last + 1)):
            holes = sorted(set(range(1, last + 1)) - set(serials))
            problems.append(f"numbers of {key[0]}-{key[1]}: counter at {last}, {len(serials)} cases, "
                            f"missing serials {holes[:10]}")
    if reported is not None:
        duplicates = [n for n, k in Counter(reported).items() if k > 1]
        if duplicates:
            problems.append(f"numbers handed out twice: {duplicates[:10]}")
        missing = sorted(set(reported) - set(cases))
        if missing:
            problems.append(f"numbers reported committed but not stored: {missing[:10]}")
        unknown = sorted(set(cases) - set(reported))
        if unknown:
            problems.append(f"cases stored but never reported to a window: {unknown[:10]}")
    return problems


def one_case_per_visit(rows: list[Any], *, strict: bool = True) -> list[str]:
    """Cases that are one visit saved twice (top-level cases only: a bundle's children share it).
    ``strict``: also every case must carry a visit key, and keyless look-alikes count."""
    import json

    problems: list[str] = []
    top = sorted((r for r in rows if r.parent_id is None), key=lambda r: (r.received_at, r.number))
    by_key: dict[str, list[str]] = defaultdict(list)
    for row in top:
        if row.visit_key:
            by_key[row.visit_key].append(row.number)
    problems += [f"visit {key}: {len(numbers)} cases {numbers}" for key, numbers in by_key.items()
                 if len(numbers) > 1]
    if not strict:
        return problems
    keyless = [r.number for r in top if not r.visit_key]
    if keyless:
        problems.append(f"cases saved without a visit key (not exactly-once): {keyless[:10]}")
    last: dict[tuple, Any] = {}
    for row in top:
        if row.visit_key:
            continue
        same = (row.applicant_id_number, row.code, row.window, row.clerk_id, row.outcome,
                json.dumps(row.marks, sort_keys=True, ensure_ascii=False))
        before = last.get(same)
        if before is not None and (row.received_at - before.received_at).total_seconds() <= SAME_VISIT_SECONDS:
            problems.append(f"{before.number} and {row.number}: one visit saved twice (same applicant, item, "
                            f"window, clerk and materials, {(row.received_at - before.received_at).seconds} s apart)")
        last[same] = row
    return problems


def _history(row: Any, events: list[Any], notices: Counter, items: list[tuple[CaseState, bool]] | None = None) -> list[str]:
    number = row.number
    states = [e for e in events if e.after and "state" in e.after]
    if not states or states[0].action != "intake":
        return [f"{number}: no intake audit event"]
    if sum(1 for e in events if e.action == "intake") != 1:
        return [f"{number}: more than one intake event"]
    problems: list[str] = []
    expected: Counter = Counter()
    current = CaseState.RECEIVED
    for event in states:
        before = CaseState((event.before or {}).get("state", current.value))
        after = CaseState(event.after["state"])
        if before is not current:
            problems.append(f"{number}: event #{event.seq} ({event.action}) starts from {before.value}, "
                            f"the case was {current.value}")
        if after is not before and after not in TRANSITIONS[before]:
            problems.append(f"{number}: event #{event.seq} moves {before.value} → {after.value}, not allowed")
        expected.update(expected_notices(before, after, event.action, row.parent_id is None, items,
                                         pledged=bool(event.after.get("verifications"))))
        current = after
    if current.value != row.state:
        problems.append(f"{number}: row state {row.state}, audit trail ends at {current.value}")
    if row.state == CaseState.RECEIVED.value:
        problems.append(f"{number}: left in the transient state {row.state}")
    if notices != expected:
        problems.append(f"{number}: notices {dict(notices)}, its history calls for {dict(expected)}")
    return problems


def _deadlines(row: Any, deadlines: list[Any]) -> list[str]:
    state = CaseState(row.state)
    kinds = {d.kind for d in deadlines}
    problems = []
    needed = _NEEDED_DEADLINES.get(state, set())
    if needed - kinds:
        problems.append(f"{row.number}: {state.value} without deadline(s) {sorted(needed - kinds)}")
    unmet = [d.due_on for d in deadlines if d.met_at is None]
    if row.due_on != (min(unmet) if unmet else None):
        problems.append(f"{row.number}: due_on {row.due_on}, earliest unmet deadline {min(unmet, default=None)}")
    return problems
