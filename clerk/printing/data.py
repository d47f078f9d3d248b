"""Plain input data of the printed documents.

The printing layer does not read cases or the store: it renders these frozen
dataclasses.  The case service builds them from its ``CaseView`` through the
single integration point ``clerk.integration.printing.notice_data_from_case``.

Identity numbers and phones are carried in full and masked when drawn
(个人信息保护法), so no document can print them unmasked by mistake.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from clerk.config import HallInfo
from clerk.domain.lifecycle import CaseState
from clerk.domain.notices import TITLES
from clerk.domain.notices import NoticeKind as NoticeKind  # re-exported: one enum for stored and printed notices


class PrintError(Exception):
    """A notice could not be rendered or printed; ``str()`` is Chinese, for the clerk."""


@dataclass(frozen=True)
class PrintJob:
    """A job a print server took: where to ask about it again (``host`` is the computer that
    sent it, which is where a local scheduler, ``localhost`` or a socket, can be asked)."""

    server: str
    host: str
    queue: str
    job_id: int
    title: str

    @property
    def label(self) -> str:
        return f"{self.queue}-{self.job_id}"

    def record(self) -> dict[str, object]:
        """The job as stored (JSON-plain)."""
        return {"server": self.server, "host": self.host, "queue": self.queue, "id": self.job_id,
                "title": self.title}

    @classmethod
    def from_record(cls, record: object) -> PrintJob | None:
        if not isinstance(record, dict):
            return None
        try:
            return cls(str(record["server"]), str(record["host"]), str(record["queue"]), int(record["id"]),
                       str(record["title"]))
        except (KeyError, TypeError, ValueError):
            return None


class PrintUnknown(PrintError):
    """The print server took the job, then could not be asked how it ended: the paper may
    still come out.  Not a failure (resending would print twice): the job is kept and
    settled when the server answers again."""

    def __init__(self, message: str, job: PrintJob):
        super().__init__(message)
        self.job = job


@dataclass(frozen=True)
class ReceivedMaterial:
    """A line of 已收材料: name, 原件/复印件, copies."""

    name: str
    form: str
    copies: int


@dataclass(frozen=True)
class MissingMaterial:
    """A material to supplement, with the catalog's requirement text verbatim."""

    name: str
    requirement: str
    form: str = ""
    copies: int = 0
    for_items: tuple[str, ...] = ()  # a bundle's notice: the names of the items that need it
    choice: str = ""  # the alternatives it is one of (printed together: any one will do)


@dataclass(frozen=True)
class ToleratedMaterial:
    """A 容缺 material: accepted missing, to be supplied by ``supply_by``."""

    name: str
    requirement: str
    supply_by: date
    provisional: bool = False  # counted over a year whose holidays are not published: printed 暂定


@dataclass(frozen=True)
class PledgeLine:
    """One line of the 告知承诺书 (告知承诺制): what the applicant's signed commitment stands in for.

    ``name``: the material the commitment replaces, or the item for an item-level commitment;
    ``replaces``: what is not required because of it (房屋产权证明 / 许可前现场核查);
    ``basis``: the legal requirement committed to (may be empty); ``method``: 核查方式 as
    printed (数据核查 / 现场核查 / 部门协查); ``verify_by``: the last day of the verification.
    ``sampled``: None when every case is verified; True or False when the item verifies a share
    of its cases — the paper then says only that a sample is verified, never whether this case
    was picked (the applicant must expect the check either way).
    """

    name: str
    replaces: str
    basis: str
    method: str
    verify_by: date
    sampled: bool | None = None
    provisional: bool = False  # verify_by counted over a year whose holidays are not published: printed 暂定


@dataclass(frozen=True)
class BundleItem:
    """One item of a bundle (一件事一次办): its own case, outcome and date.

    ``state`` is the item's case state label (即办办结 / 已受理 / 容缺受理 /
    待补正 / 不予受理 …); ``done_at`` is set for an item decided on the spot,
    ``due_date`` for one promised to be decided later.
    """

    number: str
    name: str
    state: str
    due_date: date | None = None
    due_provisional: bool = False
    done_at: datetime | None = None

    @property
    def awaiting_supplement(self) -> bool:
        """The item waits for materials (待补正): the bundle's one-time notice is about it."""
        return self.state == CaseState.INCOMPLETE.value


@dataclass(frozen=True)
class CrossRegionNotice:
    """跨域通办: a case taken in at this hall (收件地) for an item another region decides (办理地)."""

    taken_in: str  # 收件地: this hall
    region: str  # 办理地: 深圳市南山区
    body: str  # the handling body: 深圳市南山区政务服务中心
    phone: str  # the handling body's phone
    address: str
    transfer_days: int  # working days to hand the case over (the alliance agreement)
    handling_limit: str  # the handling region's own limit, as printed: 2个工作日

    @property
    def deciding(self) -> str:
        return f"{self.region}{self.body}" if not self.body.startswith(self.region) else self.body


@dataclass(frozen=True)
class NoticeData:
    """Everything any notice about one case may print.

    ``received_at`` is an aware datetime, rendered in ``Settings.timezone``.
    ``due_date``/``due_provisional`` come from ``WorkCalendar.add_working_days``:
    provisional when a year on the way has no published holiday schedule.
    """

    hall: HallInfo
    case_number: str
    item_names: tuple[str, ...]
    department: str
    applicant_name: str
    applicant_id: str  # full 居民身份证 / 统一社会信用代码; masked when printed
    phone: str  # full; masked when printed
    received_at: datetime
    window: str = ""
    clerk_name: str = ""
    applicant_kind: str = "个人"  # 个人 | 单位
    contact_name: str = ""  # an organisation's person at the window
    address: str = ""
    postcode: str = ""
    delivery: str = "窗口领取"  # clerk.catalog.model.Delivery value: EMS邮寄 | 窗口领取
    promised_days: int = 0
    due_date: date | None = None
    due_provisional: bool = False
    bundle_name: str = ""  # 一件事一次办: the bundle's name, items listed in item_names
    received: tuple[ReceivedMaterial, ...] = ()
    missing: tuple[MissingMaterial, ...] = ()
    tolerated: tuple[ToleratedMaterial, ...] = ()
    committed: tuple[ToleratedMaterial, ...] = ()  # the signed 容缺承诺书's list, also what was supplied since
    supplement_by: date | None = None  # deadline of a one-time / correction notice
    reason: str = ""  # 不予受理 / 不予许可 / 补正 reason
    legal_basis: str = ""  # e.g. 《食品经营许可管理办法》第十条
    result_name: str = ""  # e.g. 食品经营许可证
    decision_number: str = ""  # 决定书文号
    decided_on: date | None = None
    waybill: str = ""  # EMS 邮件号 when the result is mailed
    issued_at: datetime | None = None  # when the notice is issued; default received_at
    reprint: bool = False  # 补打: printed again; marked on the paper
    reprinted_at: datetime | None = None
    items: tuple[BundleItem, ...] = ()  # a bundle's items, each with its own case number
    complete: bool | None = None  # the verdict: every material received; None = judge by missing/tolerated
    promised_unit: str = "工作日"  # clerk.catalog.model.LimitUnit value of promised_days
    child_name: str = ""  # 新生儿姓名 (the newborn bundle)
    pledges: tuple[PledgeLine, ...] = ()  # 告知承诺书: each commitment signed; 撤销决定书: those found false
    # 撤销决定书: the approval revoked (decision_number / decided_on are the revocation's own)
    approval_number: str = ""  # the revoked approval's 决定书文号 (or the licence number)
    approved_on: date | None = None  # the day it was granted
    approved: bool = True  # a revoked case had been approved (else only accepted: the acceptance is revoked)
    credit_recorded: bool = False  # the false commitment is recorded in the dishonesty list (失信): printed only when true
    cross_region: CrossRegionNotice | None = None  # 跨域通办: taken in here, decided in another region

    @property
    def materials_complete(self) -> bool:
        """May the paper say 申请材料齐全?  Only when the verdict says complete."""
        if self.complete is not None:
            return self.complete and not self.tolerated and not self.missing
        return not self.tolerated and not self.missing

    @property
    def promised_text(self) -> str:
        """The promised limit as printed: 20个工作日, 30日, 3个月."""
        n = self.promised_days
        return {"自然日": f"{n}日", "月": f"{n}个月", "即办": "当场"}.get(self.promised_unit, f"{n}个工作日")

    @property
    def bundle_title(self) -> str:
        """The bundle's name as the text quotes it (a name with its own quotes is not quoted again)."""
        name = self.bundle_name or self.item_title
        return name if "“" in name else f"“{name}”"

    @property
    def item_title(self) -> str:
        items = "、".join(self.item_names)
        return f"{self.bundle_name}（{items}）" if self.bundle_name else items

    @property
    def by_mail(self) -> bool:
        return self.delivery.startswith("EMS")


@dataclass(frozen=True)
class ManifestRow:
    """One mailing of the EMS daily manifest (交寄清单)."""

    waybill: str
    case_number: str
    recipient: str
    phone: str  # full; masked when printed
    address: str
    postcode: str = ""
    contents: str = ""  # 内件, e.g. 食品经营许可证 / 补正材料通知书


@dataclass(frozen=True)
class ManifestData:
    """The EMS daily manifest: one row per mailing handed to the EMS station."""

    hall: HallInfo
    day: date
    rows: tuple[ManifestRow, ...]
    clerk_name: str = ""
    batch: str = ""  # 批次号, if the hall numbers its handovers
    issued_at: datetime | None = None
    reprint: bool = False
    reprinted_at: datetime | None = None

    @property
    def number(self) -> str:
        return self.batch or f"EMS-{self.day:%Y%m%d}"
