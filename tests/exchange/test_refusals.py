"""A packet is refused with the reason of the check it failed, and nothing of it is applied (issue 29):
a byte altered anywhere, a packet signed by a hall this hall does not trust (or forged in a trusted
hall's name), one for another hall, one applied already, one out of order.  Each refusal leaves the
receiving store exactly as it was."""

from __future__ import annotations

import io
import json
import zipfile

import pytest

from clerk.domain.intake import Outcome
from clerk.domain.views import Decision
from clerk.exchange.errors import PacketRefused
from clerk.exchange.keys import HallKeyPair, install_trusted
from tests.support.drafts import hygiene
from tests.support.exchange import HALL_A, HALL_B, store_state
from tests.support.scans import with_files

pytestmark = pytest.mark.postgres

HALL_C = "110105-朝阳区政务服务中心"


@pytest.fixture
def handed(two_halls):
    """Hall A's case, exported to B (not imported yet): (A, B, A's case, the packet)."""
    a, b = two_halls
    taken = a.cases.submit(a.users["window"], 3, with_files(hygiene(), id_card=1), Outcome.ACCEPT)
    return a, b, taken, a.exchange.export(a.users["window"], 3, taken.number, to=HALL_B).data


def refused(hall, data, check):
    """Import ``data`` at ``hall``: refused by ``check``, the store unchanged; the message."""
    before = store_state(hall.store)
    with pytest.raises(PacketRefused) as caught:
        hall.exchange.import_packet(hall.users["window"], 5, data)
    assert caught.value.check == check, str(caught.value)
    assert store_state(hall.store) == before
    return str(caught.value)


def members(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def rezipped(items):
    """A packet put back together by someone who changed a member (the zip itself is consistent)."""
    from clerk.exchange.packet import _zip

    return _zip(items)


@pytest.mark.slow
def test_one_byte_altered_anywhere_is_refused(handed):
    a, b, taken, data = handed
    before = store_state(b.store)
    checks = set()
    for position in range(len(data)):
        for flip in (0x01, 0x80):
            altered = bytearray(data)
            altered[position] ^= flip
            with pytest.raises(PacketRefused) as caught:
                b.exchange.import_packet(b.users["window"], 5, bytes(altered))
            checks.add(caught.value.check)
    assert store_state(b.store) == before
    assert checks <= {"format", "signature", "digest"}
    b.exchange.import_packet(b.users["window"], 5, data)  # the packet as sent is still good


def test_a_changed_manifest_repacked_fails_the_signature(handed):
    a, b, taken, data = handed
    (name, body), *rest = members(data)
    manifest = json.loads(body)
    manifest["case"]["applicant_name"] = "李鬼"
    forged = json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
    said = refused(b, rezipped([(name, forged), *rest]), "signature")
    assert "签名与 370171-高新区政务服务中心 的公钥不符" in said and "未导入任何内容" in said


def test_a_changed_scan_repacked_fails_its_digest(handed):
    a, b, taken, data = handed
    items = members(data)
    name, pdf = items[2]
    items[2] = (name, pdf.replace(b"%%EOF", b"%%EOG"))
    said = refused(b, rezipped(items), "digest")
    assert f"文件 {name} 的大小或摘要（SHA-256/SM3）与清单不符" in said


def test_a_file_added_to_the_packet_is_refused(handed):
    a, b, taken, data = handed
    said = refused(b, rezipped([*members(data), ("materials/99.pdf", b"%PDF-1.4")]), "digest")
    assert "多出 materials/99.pdf" in said


def resigned(data, key, **changes):
    """The packet's manifest (with ``changes``) and files signed again with ``key``."""
    from clerk.exchange.packet import PacketFile, build_packet

    (_, body), _signature, *files = members(data)
    manifest = {**json.loads(body), **changes}
    entries = manifest.pop("files")
    return build_packet(manifest, [PacketFile(name, e["role"], e["key"], content, e["pages"])
                                   for (name, content), e in zip(files, entries, strict=True)], key)


def test_signed_by_a_hall_not_trusted_is_refused(handed):
    a, b, taken, data = handed
    stranger = HallKeyPair.generate()
    said = refused(b, resigned(data, stranger, sender=HALL_C), "signature")
    assert f"发送方 {HALL_C} 不在本大厅的受信任公钥中（未知大厅签名）" in said
    said = refused(b, resigned(data, stranger), "signature")  # in A's name, with another key
    assert f"签名与 {HALL_A} 的公钥不符（清单被改动，或并非该大厅签发）" in said
    b.exchange.import_packet(b.users["window"], 5, resigned(data, a.key))  # A's own key: accepted


def test_a_packet_for_another_hall_is_refused(two_halls, tmp_path):
    a, b = two_halls
    install_trusted(a.folder / "trusted", HALL_C, HallKeyPair.generate().public_hex)
    taken = a.cases.submit(a.users["window"], 3, hygiene(), Outcome.ACCEPT)
    meant_for_c = a.exchange.export(a.users["window"], 3, taken.number, to=HALL_C).data
    said = refused(b, meant_for_c, "receiver")
    assert f"数据包是发给 {HALL_C} 的，不是本大厅（{HALL_B}）" in said


def test_a_packet_applied_twice_is_refused(handed):
    a, b, taken, data = handed
    b.exchange.import_packet(b.users["window"], 5, data)
    said = refused(b, data, "replay")
    assert "已于" in said and "由 w01 导入过" in said


def test_a_status_replayed_at_the_taking_in_hall_is_refused(handed):
    a, b, taken, data = handed
    arrived = b.exchange.import_packet(b.users["window"], 5, data)
    b.desk.record_decision(b.users["office"], 30, arrived.number, Decision.REFUSED, reason="不符合选址要求")
    status = b.exchange.export(b.users["window"], 5, arrived.number).data
    assert a.exchange.import_packet(a.users["window"], 3, status).state == "不予许可"
    refused(a, status, "replay")


def test_statuses_out_of_order_are_refused_until_the_missing_one_comes(handed):
    from clerk.domain.desk_views import SupplyChannel
    from tests.support.drafts import COPY

    a, b, taken, data = handed
    arrived = b.exchange.import_packet(b.users["window"], 5, data)
    first = b.exchange.export(b.users["window"], 5, arrived.number).data  # 受理
    b.desk.record_decision(b.users["office"], 30, arrived.number, Decision.CORRECTION, items=["租赁合同缺页"])
    second = b.exchange.export(b.users["window"], 5, arrived.number).data  # 补正
    said = refused(a, second, "order")
    assert "第 2 个数据包，本大厅应导入的是第 1 个（缺少前面的数据包）" in said
    assert a.exchange.import_packet(a.users["window"], 3, first).status == "受理"
    assert a.exchange.import_packet(a.users["window"], 3, second).status == "补正"
    b.desk.log_supplement(b.users["fallback"], 9, arrived.number, {"lease-contract": COPY}, SupplyChannel.IN_PERSON)
    b.desk.record_decision(b.users["office"], 30, arrived.number, Decision.APPROVED)
    third = b.exchange.export(b.users["window"], 5, arrived.number).data  # 办结, while A still waits for the correction
    said = refused(a, third, "apply")
    assert "不能转为“准予许可”" in said
    refused(a, first, "replay")


@pytest.mark.parametrize(("field", "value", "said"), [
    ("applicant_name", "王\u202e五", "申请人名称含有"),
    ("applicant_id_number", "110105194912310021", "身份证号码"),
    ("reason", "x\x1b[2J", "理由含有"),
])
def test_a_signed_case_the_window_would_not_have_taken_is_refused(handed, field, value, said):
    """A trusted signature says where a packet came from, not that its text is fit for this store."""
    a, b, taken, data = handed
    (_, body), *_ = members(data)
    manifest = json.loads(body)
    manifest["case"][field] = value
    message = refused(b, resigned(data, a.key, case=manifest["case"]), "format")
    assert "办件内容不符合本系统的录入规则" in message and said in message


def test_a_status_text_with_terminal_control_is_refused(handed):
    a, b, taken, data = handed
    arrived = b.exchange.import_packet(b.users["window"], 5, data)
    b.desk.record_decision(b.users["office"], 30, arrived.number, Decision.REFUSED, reason="不符合选址要求")
    status = b.exchange.export(b.users["window"], 5, arrived.number).data
    (_, body), *_ = members(status)
    manifest = json.loads(body)
    manifest["status"]["text"] = "不符合\x1b]0;owned\x07选址要求"
    message = refused(a, resigned(status, b.key, status=manifest["status"]), "format")
    assert "办理状态不符合本系统的录入规则（补正内容或理由含有" in message


def test_a_compressed_packet_is_refused_unread(handed):
    a, b, taken, data = handed
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in members(data):
            archive.writestr(name, content)
    refused(b, out.getvalue(), "format")


def test_two_windows_importing_the_same_packet_at_once_apply_it_once(handed):
    """The unique packet id holds even when both windows pass the replay check before either commits."""
    import threading

    a, b, taken, data = handed
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def window(number):
        start.wait()
        try:
            outcomes.append(b.exchange.import_packet(b.users["window"], number, data).number)
        except PacketRefused as exc:
            outcomes.append(exc.check)

    threads = [threading.Thread(target=window, args=(n,)) for n in (5, 6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    applied = [o for o in outcomes if o != "replay"]
    assert len(outcomes) == 2 and len(applied) == 1 and "-NS-" in applied[0]
    assert store_state(b.store)["exchange_packets"] == 1 and store_state(b.store)["exchange_cases"] == 1


def test_a_supplement_whose_scan_is_not_on_the_checklist_is_refused(handed):
    from clerk.domain.desk_views import SupplyChannel
    from tests.support.drafts import COPY
    from tests.support.scans import material_file

    a, b, taken, data = handed
    arrived = b.exchange.import_packet(b.users["window"], 5, data)
    b.desk.record_decision(b.users["office"], 30, arrived.number, Decision.CORRECTION, items=["租赁合同缺页"])
    a.exchange.import_packet(a.users["window"], 3, b.exchange.export(b.users["window"], 5, arrived.number).data)
    a.desk.log_supplement(a.users["fallback"], 9, taken.number, {"lease-contract": COPY}, SupplyChannel.IN_PERSON,
                          files={"lease-contract": material_file("lease-contract", 2)})
    supplement = a.exchange.export(a.users["window"], 3, taken.number).data
    (_, body), _signature, *files = members(supplement)
    manifest = json.loads(body)
    assert manifest["kind"] == "supplement" and manifest["supplement"]["marks"].keys() == {"lease-contract"}
    manifest["files"][0]["key"] = "photo"
    said = refused(b, resigned(supplement, a.key, files=manifest["files"]), "apply")
    assert "扫描件“photo”不是本办件材料清单中的材料" in said
    assert b.exchange.import_packet(b.users["window"], 5, supplement).state == "已受理"
