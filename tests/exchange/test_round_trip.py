"""跨域通办 round trip between two installations (issue 29): a case taken in at hall A (SQLite) is
handed to hall B (PostgreSQL) with its scans and notices, B asks for a correction and then decides,
and each status comes back to A and is applied to A's case through the lifecycle, audited."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from clerk.catalog.model import Delivery
from clerk.domain.desk_views import SupplyChannel
from clerk.domain.intake import Outcome
from clerk.domain.lifecycle import CaseState
from clerk.domain.notices import NoticeKind
from clerk.domain.views import CrossRegion, DeadlineKind, Decision
from tests.support.drafts import COPY, hygiene
from tests.support.exchange import HALL_A, HALL_B, issue_notices
from tests.support.scans import material_file, with_files

pytestmark = pytest.mark.postgres


def _link(hall, number):
    from clerk.store.tables import CaseRow
    from clerk.store.tables_exchange import ExchangeCaseRow

    with hall.store.session(write=False) as session:
        row = session.execute(select(ExchangeCaseRow).join(CaseRow, CaseRow.id == ExchangeCaseRow.case_id)
                              .where(CaseRow.number == number)).scalar_one()
        return row.taken_in_hall, row.deciding_hall, row.ref_number, row.remote_number


def test_a_case_goes_round_trip_between_two_halls(two_halls, tmp_path, clock):
    a, b = two_halls
    taken = a.cases.submit(a.users["window"], 3, with_files(hygiene(), id_card=2, business_licence=1), Outcome.ACCEPT)
    assert taken.state is CaseState.ACCEPTED and taken.cross_region is None
    assert issue_notices(a, taken.number, tmp_path / "a-notices") == [NoticeKind.PROMISED.value]

    (promised,) = a.cases.get(taken.number).notices
    handed = a.exchange.export(a.users["window"], 3, taken.number, to=HALL_B)
    assert (handed.kind, handed.receiver, handed.sequence, handed.files) == ("case", HALL_B, 1, 3)

    clock.advance(hours=2)
    arrived = b.exchange.import_packet(b.users["window"], 5, handed.data)
    assert (arrived.kind, arrived.sender, arrived.state) == ("case", HALL_A, CaseState.ACCEPTED.value)
    at_b = b.cases.get(arrived.number)
    assert "-NS-" in at_b.number and at_b.code == taken.code
    assert at_b.applicant == taken.applicant and at_b.marks == taken.marks
    assert at_b.deadline(DeadlineKind.PROMISED).due == taken.deadline(DeadlineKind.PROMISED).due
    assert {(f.material_key, f.pages, f.sha256) for f in at_b.files} == {
        *((f.material_key, f.pages, f.sha256) for f in taken.files), ("收件地承诺件通知书", 1, promised.sha256)}
    assert _link(b, at_b.number) == (HALL_A, HALL_B, taken.number, taken.number)
    assert taken.delivery == Delivery.EMS.value and at_b.delivery == Delivery.PICKUP.value  # B mails nobody
    assert [e.action for e in at_b.events] == ["exchange_import"]

    # B's back office asks for a correction; the status goes back to A with B's notice
    b.desk.record_decision(b.users["office"], 30, at_b.number, Decision.CORRECTION, items=["营业执照副本不清晰"])
    assert issue_notices(b, at_b.number, tmp_path / "b-notices") == [NoticeKind.RESULT_CORRECTION.value]
    correction = b.exchange.export(b.users["window"], 5, at_b.number)
    assert (correction.kind, correction.status, correction.receiver, correction.sequence, correction.files) == (
        "status", "补正", HALL_A, 1, 1)
    applied = a.exchange.import_packet(a.users["window"], 3, correction.data)
    assert (applied.status, applied.number, applied.state) == ("补正", taken.number, CaseState.CORRECTION.value)
    at_a = a.cases.get(taken.number)
    assert at_a.reason == "1. 营业执照副本不清晰"
    (b_notice,) = [n for n in b.cases.get(at_b.number).notices if n.kind is NoticeKind.RESULT_CORRECTION]
    assert (at_a.files[-1].material_key, at_a.files[-1].sha256) == ("办理地补正材料通知书", b_notice.sha256)
    assert NoticeKind.RESULT_CORRECTION in [n.kind for n in at_a.notices]  # printed at A for the applicant
    assert _link(a, taken.number) == (HALL_A, HALL_B, taken.number, at_b.number)
    assert at_a.cross_region == CrossRegion(HALL_A, HALL_B, at_b.number)
    assert at_a.cross_region.line() == f"跨域通办：收件地 {HALL_A} → 办理地 {HALL_B}（对方编号 {at_b.number}）"
    assert b.cases.get(at_b.number).cross_region == CrossRegion(HALL_A, HALL_B, taken.number)

    # the applicant brings the correction to A, scanned there; it goes to B, is applied as a supplement
    # (B's case accepted again, its promise resumed); B approves; 办结 comes back
    rescan = material_file("business-licence", 1, shade=99)
    a.desk.log_supplement(a.users["fallback"], 9, taken.number, {"business-licence": COPY}, SupplyChannel.IN_PERSON,
                          files={"business-licence": rescan})
    corrected = a.exchange.export(a.users["window"], 3, taken.number)
    assert (corrected.kind, corrected.receiver, corrected.sequence, corrected.files) == ("supplement", HALL_B, 2, 1)
    supplied = b.exchange.import_packet(b.users["window"], 5, corrected.data)
    assert (supplied.kind, supplied.number, supplied.state) == ("supplement", at_b.number, CaseState.ACCEPTED.value)
    at_b = b.cases.get(at_b.number)
    assert at_b.file_of("business-licence").sha256 == rescan.sha256
    assert not at_b.promise_suspended and at_b.deadline(DeadlineKind.PROMISED).met_at is None
    b.desk.record_decision(b.users["office"], 30, at_b.number, Decision.APPROVED)
    done = b.exchange.export(b.users["window"], 5, at_b.number)
    assert (done.status, done.sequence) == ("办结", 2)
    finished = a.exchange.import_packet(a.users["window"], 3, done.data)
    assert finished.state == CaseState.APPROVED.value
    at_a = a.cases.get(taken.number)
    assert at_a.state is CaseState.APPROVED
    assert [e.action for e in at_a.events if e.action.startswith("exchange")] == [
        "exchange_export", "exchange_import", "exchange_export", "exchange_import"]
    imports = [e.after for e in at_a.events if e.action == "exchange_import"]
    assert [(e["status"], e["sequence"], e["from"]) for e in imports] == [("补正", 1, HALL_B), ("办结", 2, HALL_B)]
    # the applicant chose EMS: A mails the correction notice and then the result; B mailed nothing
    assert [(m.case_number, m.contents) for m in a.desk.mail_queue()] == [
        (taken.number, "补正材料通知书（公共场所卫生许可（新办））"), (taken.number, "准予许可决定书及证照（公共场所卫生许可（新办））")]
    assert b.desk.mail_queue() == []
    (listed,) = a.exchange.cross_region_cases()
    assert (listed.number, listed.state, listed.taken_in, listed.other_hall, listed.remote_number) == (
        taken.number, "准予许可", True, HALL_B, at_b.number)
    assert listed.last_packet[:3] == ("in", "办结", 2)
    (there,) = b.exchange.cross_region_cases(open_only=True)
    assert (there.number, there.taken_in, there.other_hall, there.last_packet[:3]) == (
        at_b.number, False, HALL_A, ("out", "办结", 2))
    assert a.cases.verify_audit().ok and b.cases.verify_audit().ok


def test_a_status_export_repeated_is_refused_at_the_sender(two_halls):
    from clerk.exchange.errors import ExchangeError

    a, b = two_halls
    taken = a.cases.submit(a.users["window"], 3, hygiene(), Outcome.ACCEPT)
    arrived = b.exchange.import_packet(b.users["window"], 5, a.exchange.export(a.users["window"], 3, taken.number,
                                                                               to=HALL_B).data)
    b.exchange.export(b.users["window"], 5, arrived.number)
    with pytest.raises(ExchangeError, match="已导出过"):
        b.exchange.export(b.users["window"], 5, arrived.number)
    with pytest.raises(ExchangeError, match="已移交"):
        a.exchange.export(a.users["window"], 3, taken.number, to=HALL_B)
