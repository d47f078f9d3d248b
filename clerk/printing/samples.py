"""Demo data for test pages (``clerk print --sample KIND``) and for the tests.

Fictitious applicant, credit code and phone.  The promised case runs into a year whose holiday schedule
is not published, so its test page shows the provisional wording.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, timezone

from clerk.config import HallInfo
from clerk.printing.data import (
    ManifestData,
    ManifestRow,
    MissingMaterial,
    NoticeData,
    NoticeKind,
    PledgeLine,
    ReceivedMaterial,
    ToleratedMaterial,
)

CST = timezone(timedelta(hours=8))
RECEIVED_AT = datetime(2026, 12, 18, 10, 32, tzinfo=CST)

RECEIVED = (
    ReceivedMaterial("食品经营许可申请书", "原件", 1),
    ReceivedMaterial("营业执照", "复印件", 1),
    ReceivedMaterial("法定代表人身份证明", "复印件", 1),
    ReceivedMaterial("经营场所平面布局图及设备布局、工艺流程图", "原件", 1),
)

MISSING = (
    MissingMaterial(
        "食品安全管理制度文本",
        "包括从业人员健康管理、进货查验记录、食品安全自查等制度，加盖单位公章；制度名称须与经营项目相符。",
        "原件",
        1,
    ),
    MissingMaterial(
        "食品安全管理人员健康证明",
        "由县级以上医疗卫生机构出具、在有效期内的健康证明，姓名须与申请书一致。",
        "复印件",
        1,
    ),
    MissingMaterial("授权委托书", "委托代理人办理的提交；写明委托事项和权限，委托人签字或盖章。", "原件", 1),
)

TOLERATED = (
    ToleratedMaterial(
        "食品安全管理人员健康证明", "由县级以上医疗卫生机构出具、在有效期内的健康证明。", date(2027, 1, 8)
    ),
)


PLEDGES = (
    PledgeLine(
        "经营场所合法使用证明",
        "房屋产权证明或租赁合同",
        "具有与经营的食品品种、数量相适应的食品原料处理和食品加工、销售、贮存等场所（《中华人民共和国食品安全法》第三十三条）",
        "数据核查",
        date(2027, 1, 18),
    ),
    PledgeLine(
        "食品经营许可（新办）",
        "许可前现场核查",
        "经营场所、设施设备和布局流程符合食品安全要求，与申请材料一致",
        "现场核查",
        date(2027, 1, 29),
        sampled=True,
        provisional=True,
    ),
)


def sample_notice(kind: NoticeKind, hall: HallInfo | None = None) -> NoticeData:
    """A realistic notice of ``kind`` (not the manifest)."""
    base = NoticeData(
        hall=hall or HallInfo(),
        case_number="SF20261218-0042",
        item_names=("食品经营许可（新办）",),
        department="示范区市场监督管理局",
        applicant_name="示范区味道小馆餐饮有限公司",
        applicant_kind="单位",
        contact_name="李明",
        applicant_id="91370100MA3C5X7H2N",
        phone="13812345678",
        address="山东省济南市示范区和平路88号2单元301室",
        postcode="250014",
        delivery="EMS邮寄",
        received_at=RECEIVED_AT,
        window="7",
        clerk_name="王芳",
        promised_days=15,
        due_date=date(2027, 1, 8),
        due_provisional=True,
        received=RECEIVED,
    )
    decided = datetime(2027, 1, 6, 15, 0, tzinfo=CST)
    match kind:
        case NoticeKind.PROMISED:
            return base
        case NoticeKind.ON_THE_SPOT:
            return replace(base, item_names=("食品经营许可（注销）",), promised_days=0, due_date=None,
                           due_provisional=False, result_name="注销通知书", delivery="窗口领取",
                           received=RECEIVED[:2])
        case NoticeKind.ONE_TIME:
            return replace(base, received=RECEIVED[:2], missing=MISSING, due_date=None,
                           supplement_by=date(2026, 12, 25))
        case NoticeKind.COMMITMENT:
            return replace(base, tolerated=TOLERATED)
        case NoticeKind.REJECTION:
            return replace(base, item_names=("药品零售企业许可",), department="示范区市场监督管理局",
                           reason="申请事项依法不属于本中心受理范围（药品零售企业许可由市级药品监督管理部门实施），"
                                  "请向济南市市场监督管理局申请。", due_date=None, received=())
        case NoticeKind.RESULT_READY:
            return replace(base, result_name="食品经营许可证", decided_on=decided.date(),
                           decision_number="JY13701000012345", waybill="1187654321012", issued_at=decided)
        case NoticeKind.RESULT_CORRECTION:
            return replace(base, missing=MISSING[:1], reason="现场核查发现食品安全管理制度与经营项目不符。",
                           supplement_by=date(2027, 1, 15), issued_at=decided)
        case NoticeKind.RESULT_REFUSED:
            return replace(base, reason="经营场所与有毒、有害场所的距离不符合要求（不足25米）。",
                           legal_basis="《食品经营许可和备案管理办法》第十二条第（二）项",
                           decision_number="示市监不许字〔2027〕第3号", decided_on=decided.date(), issued_at=decided)
        case NoticeKind.PLEDGE:
            return replace(base, pledges=PLEDGES, due_date=date(2026, 12, 18), due_provisional=False,
                           promised_days=0, promised_unit="即办")
        case NoticeKind.REVOCATION:
            return replace(base, pledges=PLEDGES[:1], result_name="食品经营许可证",
                           approval_number="JY13701000012345", approved_on=date(2026, 12, 18),
                           reason="2027年1月12日核查发现，申请人承诺合法使用的经营场所为住宅，"
                                  "未取得改变房屋用途的批准，与承诺不符。",
                           legal_basis="《中华人民共和国行政许可法》第六十九条第二款",
                           decision_number="示市监撤字〔2027〕第1号", decided_on=date(2027, 1, 15),
                           credit_recorded=True, issued_at=datetime(2027, 1, 15, 10, 0, tzinfo=CST))
    raise ValueError(kind)


def sample_manifest(hall: HallInfo | None = None) -> ManifestData:
    rows = (
        ManifestRow("1187654321012", "SF20261218-0042", "李明", "13812345678",
                    "山东省济南市示范区和平路88号2单元301室", "250014", "食品经营许可证"),
        ManifestRow("1187654321126", "SF20261216-0007", "张秀英", "15966668888",
                    "山东省济南市示范区工业北路12号", "250100", "补正材料通知书"),
        ManifestRow("1187654321230", "SF20261211-0113", "济南示范区星光幼儿园", "0531-88886666",
                    "山东省济南市示范区经十路17777号创新谷B座1203", "250101", "民办学校办学许可证"),
    )
    return ManifestData(hall=hall or HallInfo(), day=date(2027, 1, 6), rows=rows, clerk_name="赵强",
                        issued_at=datetime(2027, 1, 6, 16, 30, tzinfo=CST))


def sample(kind: NoticeKind | str, hall: HallInfo | None = None) -> NoticeData | ManifestData:
    kind = NoticeKind(kind)
    return sample_manifest(hall) if kind is NoticeKind.MANIFEST else sample_notice(kind, hall)
