"""What a packet says about a case: the ``case`` body (the whole case as the handling hall needs
it) and the ``status`` body (a decision coming back), to and from the store's rows.

The case body carries the item (code, name, department, catalog version, checklist), the
applicant, the material marks, the deadlines as counted at the hall that took it in, the
state, the one-time notice, 收件地 and 办理地.  A body signed by a trusted hall is still
checked for shape before a row is made of it (``PacketRefused`` ``format``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from clerk.domain.intake import Applicant, ApplicantKind, MaterialMark
from clerk.domain.lifecycle import CaseState
from clerk.domain.views import Decision
from clerk.exchange.errors import PacketRefused
from clerk.identity.text import NAME_MAX, NOTE_MAX, text_problems
from clerk.store.convert import marks_from_json
from clerk.store.tables import CaseRow, DeadlineRow


class Status(StrEnum):
    """What a deciding hall reports back (受理 / 补正 / 办结 / 不予许可)."""

    ACCEPTED = "受理"
    CORRECTION = "补正"
    DONE = "办结"
    REFUSED = "不予许可"


#: the deciding hall's case state → the status it reports
STATUS_OF_STATE = {
    CaseState.ACCEPTED: Status.ACCEPTED,
    CaseState.TOLERATED: Status.ACCEPTED,
    CaseState.CORRECTION: Status.CORRECTION,
    CaseState.APPROVED: Status.DONE,
    CaseState.REFUSED: Status.REFUSED,
}

#: the status → the decision the taking-in hall records (受理 changes nothing there)
DECISION_OF_STATUS = {
    Status.CORRECTION: Decision.CORRECTION,
    Status.DONE: Decision.APPROVED,
    Status.REFUSED: Decision.REFUSED,
}

#: states a case may be handed over in: accepted here (容缺 included), waiting for the decision
HANDED_OVER_STATES = (CaseState.ACCEPTED, CaseState.TOLERATED)

#: the case's text columns a body carries, each with its column's length
_CASE_TEXT = {"number": 24, "code": 64, "name": 200, "department": 100, "item_kind": 8, "catalog_version": 64,
              "applicant_kind": 8, "applicant_name": 200, "applicant_id_number": 32, "applicant_phone": 32,
              "applicant_address": 400, "applicant_postcode": 8, "delivery": 16, "state": 16, "outcome": 16,
              "reason": NOTE_MAX}


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def case_body(row: CaseRow, deadlines: list[DeadlineRow], taken_in: dict[str, str],
              deciding: dict[str, str]) -> dict[str, Any]:
    """The ``case`` body of ``row`` (收件地 ``taken_in``, 办理地 ``deciding``: hall id and name)."""
    body: dict[str, Any] = {name: getattr(row, name) for name in _CASE_TEXT}
    body.update(checklist=row.checklist, marks=row.marks, one_time_notice=row.one_time_notice,
                child_name=row.child_name, received_at=_iso(row.received_at),
                notice_issued_at=_iso(row.notice_issued_at), taken_in=taken_in, deciding=deciding)
    body["deadlines"] = [{"kind": d.kind, "start_on": _iso(d.start_on), "working_days": d.working_days,
                          "requested_on": _iso(d.requested_on), "due_on": _iso(d.due_on),
                          "provisional": d.provisional, "missing_years": d.missing_years,
                          "met_at": _iso(d.met_at), "unit": d.unit} for d in deadlines]
    return body


def _bad(what: str) -> PacketRefused:
    return PacketRefused("format", f"办件内容中的“{what}”无效（发送方软件版本不符）")


def _date(value: object, what: str) -> date:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise _bad(what) from None


def _moment(value: object, what: str) -> datetime:
    try:
        at = datetime.fromisoformat(str(value))
    except ValueError:
        raise _bad(what) from None
    if at.tzinfo is None:
        raise _bad(what)
    return at


def case_columns(body: dict[str, Any]) -> dict[str, Any]:
    """The columns of the case the handling hall makes of a ``case`` body (but its number, window,
    clerk, version and times of its own)."""
    columns: dict[str, Any] = {}
    for name, limit in _CASE_TEXT.items():
        value = body.get(name)
        if not isinstance(value, str) or len(value) > limit:
            raise _bad(name)
        columns[name] = value
    del columns["number"]
    _check_people_text(columns, body.get("child_name"))
    try:
        state = CaseState(columns["state"])
    except ValueError:
        raise _bad("state") from None
    if state not in HANDED_OVER_STATES:
        raise PacketRefused("apply", f"移交的办件状态为“{state.value}”，只能移交已受理（含容缺受理）的办件")
    for name in ("checklist", "marks"):
        if not isinstance(body.get(name), dict):
            raise _bad(name)
        columns[name] = body[name]
    notice = body.get("one_time_notice")
    if notice is not None and not isinstance(notice, list):
        raise _bad("one_time_notice")
    child_name = body.get("child_name")
    if child_name is not None and not isinstance(child_name, str):
        raise _bad("child_name")
    issued = body.get("notice_issued_at")
    columns.update(one_time_notice=notice, child_name=child_name,
                   received_at=_moment(body.get("received_at"), "received_at"),
                   notice_issued_at=_moment(issued, "notice_issued_at") if issued is not None else None)
    return columns


def _check_people_text(columns: dict[str, Any], child_name: object) -> None:
    """What came from people is held to the window's own rules (clerk.characters, the ID checksums):
    a signed packet is trusted for where it came from, not for what it lets into this store."""
    try:
        kind = ApplicantKind(columns["applicant_kind"])
    except ValueError:
        raise _bad("applicant_kind") from None
    applicant = Applicant(kind, columns["applicant_name"], columns["applicant_id_number"],
                          columns["applicant_phone"], columns["applicant_address"], columns["applicant_postcode"])
    problems = applicant.problems(need_address=False) + text_problems(
        (columns["reason"], "理由", NOTE_MAX), (columns["name"], "事项名称", 200),
        (columns["department"], "部门", 100), (child_name if isinstance(child_name, str) else "", "新生儿姓名", NAME_MAX))
    if problems:
        raise PacketRefused("format", "办件内容不符合本系统的录入规则（" + "；".join(problems) + "）")


def deadline_columns(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The deadlines of a ``case`` body as ``DeadlineRow`` columns (but the case)."""
    found = body.get("deadlines")
    if not isinstance(found, list):
        raise _bad("deadlines")
    rows = []
    for entry in found:
        if not isinstance(entry, dict) or not isinstance(entry.get("kind"), str) \
                or type(entry.get("working_days")) is not int or type(entry.get("provisional")) is not bool:
            raise _bad("deadlines")
        rows.append({
            "kind": entry["kind"], "working_days": entry["working_days"], "provisional": entry["provisional"],
            "start_on": _date(entry.get("start_on"), "deadlines"), "due_on": _date(entry.get("due_on"), "deadlines"),
            "requested_on": _date(entry["requested_on"], "deadlines") if entry.get("requested_on") else None,
            "met_at": _moment(entry["met_at"], "deadlines") if entry.get("met_at") else None,
            "missing_years": str(entry.get("missing_years") or ""),
            "unit": str(entry["unit"]) if entry.get("unit") else None,
        })
    return rows


def status_body(row: CaseRow, at: datetime) -> dict[str, Any]:
    """The ``status`` body of the deciding hall's ``row``: what it decided, in its words."""
    status = STATUS_OF_STATE[CaseState(row.state)]
    return {"status": status.value, "text": row.reason, "state": row.state, "number": row.number,
            "at": at.isoformat()}


def status_of(body: dict[str, Any]) -> tuple[Status, str, str]:
    """(status, decision text, the deciding hall's number) of a ``status`` body."""
    try:
        status = Status(str(body.get("status")))
    except ValueError:
        raise _bad("status") from None
    text, number = body.get("text"), body.get("number")
    if not isinstance(text, str) or not isinstance(number, str) or len(number) > 24:
        raise _bad("text")
    problems = text_problems((text, "补正内容或理由", NOTE_MAX), (number, "办件编号", 24))
    if problems:
        raise PacketRefused("format", "办理状态不符合本系统的录入规则（" + "；".join(problems) + "）")
    if status in (Status.CORRECTION, Status.REFUSED) and not text.strip():
        raise _bad("text")
    return status, text, number


def supplement_marks(body: dict[str, Any]) -> dict[str, MaterialMark]:
    """The marks of a ``supplement`` body (the taking-in hall's marks after the applicant's correction)."""
    marks = body.get("marks")
    if not isinstance(marks, dict):
        raise _bad("marks")
    try:
        return marks_from_json(marks)
    except (KeyError, TypeError, ValueError):
        raise _bad("marks") from None
