"""Plain, immutable domain objects of the service catalog (事项目录).

These are what every other layer sees: the store freezes a ``Checklist`` into a
case, printing reads ``Material.requirement`` verbatim onto the one-time notice,
the UI lists ``ServiceItem`` and ``Bundle`` search hits.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class ItemKind(StrEnum):
    """即办件 is decided at the window; 承诺件 gets a promised completion date."""

    ON_THE_SPOT = "即办件"
    PROMISED = "承诺件"


class MaterialForm(StrEnum):
    ORIGINAL = "原件"
    COPY = "复印件"
    ELECTRONIC = "电子"


class Need(StrEnum):
    REQUIRED = "必要"
    CONDITIONAL = "情形必要"  # required only when a situation answer asks for it
    OPTIONAL = "非必要"


class LimitUnit(StrEnum):
    """The unit of a time limit.  行政许可法 art. 82: a limit in days counts
    working days unless a law says otherwise, so 工作日 is the default."""

    WORKING_DAYS = "工作日"
    CALENDAR_DAYS = "自然日"
    MONTHS = "月"
    IMMEDIATE = "即办"  # decided on the spot; the count is 0


@dataclass(frozen=True)
class TimeLimit:
    """A statutory or promised limit (时限): a count in a unit."""

    count: int
    unit: LimitUnit = LimitUnit.WORKING_DAYS

    def __str__(self) -> str:
        match self.unit:
            case LimitUnit.IMMEDIATE:
                return "即办"
            case LimitUnit.MONTHS:
                return f"{self.count} 个月"
            case LimitUnit.CALENDAR_DAYS:
                return f"{self.count} 日（自然日）"
        return f"{self.count} 个工作日"

    def span(self) -> tuple[float, float]:
        """Shortest and longest length in calendar days (to compare limits in two units)."""
        match self.unit:
            case LimitUnit.IMMEDIATE:
                return (0, 0)
            case LimitUnit.CALENDAR_DAYS:
                return (self.count, self.count)
            case LimitUnit.MONTHS:
                return (28 * self.count, 31 * self.count)
        # Working days: at least as many calendar days; at most 7/5 of them plus a Golden Week.
        return (self.count, self.count * 7 / 5 + 10)

    def surely_longer_than(self, other: TimeLimit) -> bool:
        """Whether this limit is longer than ``other`` whatever the calendar (承诺 vs 法定)."""
        if self.unit is other.unit:
            return self.count > other.count
        return self.span()[0] > other.span()[1]


class VerifyMethod(StrEnum):
    """How the authority verifies a 告知承诺 afterwards (事中事后核查)."""

    DATA = "数据核查"  # checked against shared data (共享数据比对)
    SITE = "现场核查"  # an inspector visits
    ASK = "部门协查"  # another department is asked


@dataclass(frozen=True)
class Commitment:
    """告知承诺制: the applicant's signed commitment stands in for something, verified afterwards.

    On a material it replaces that certificate (证明事项告知承诺); on an item it replaces
    the check before approval (e.g. the on-site inspection), and every case of the item
    is taken on commitment.  ``replaces`` and ``basis`` are printed on the 告知承诺书;
    ``within`` counts from acceptance; ``sample_percent`` is the share of cases verified
    (100: every case).
    """

    replaces: str  # what the commitment stands in for (证明 / 现场核查 ...)
    method: VerifyMethod
    within: TimeLimit  # the verification limit (核查时限), from the day of acceptance
    sample_percent: int = 100  # 抽查比例
    basis: str = ""  # the legal requirement the applicant commits to meet (法定条件)

    def __str__(self) -> str:
        """One line for a clerk: 以承诺代替无犯罪记录证明，受理后 20 个工作日内数据核查（抽查 20%）."""
        share = f"（抽查 {self.sample_percent}%）" if self.sample_percent < 100 else ""
        return f"以承诺代替{self.replaces}，受理后 {self.within}内{self.method.value}{share}"


class Delivery(StrEnum):
    EMS = "EMS邮寄"
    PICKUP = "窗口领取"


@dataclass(frozen=True)
class Material:
    """One line of an item's 申请材料清单.

    ``key`` identifies the material across items (a bundle merges on it, never
    on free text).  ``requirement`` is printed verbatim on the one-time notice.
    ``alt_group``: materials of one item sharing a group name are alternatives;
    any one of them satisfies the group.
    """

    key: str
    name: str
    form: MaterialForm
    copies: int
    need: Need
    tolerable: bool  # 容缺: may be accepted missing on a written commitment
    requirement: str
    alt_group: str | None = None
    commitment: Commitment | None = None  # 可告知承诺: a signed commitment may replace it


@dataclass(frozen=True)
class SituationOption:
    label: str
    adds: tuple[str, ...] = ()  # material keys this answer adds
    removes: tuple[str, ...] = ()  # material keys this answer removes


@dataclass(frozen=True)
class Situation:
    """A question on the item (情形), e.g. 本人办理 / 委托代理人办理."""

    key: str
    question: str
    options: tuple[SituationOption, ...]

    @property
    def default(self) -> SituationOption:
        return self.options[0]


@dataclass(frozen=True)
class HandlingRegion:
    """跨域通办: the region and body that decide another region's item (办理地).

    ``hall_id`` is the deciding hall's name between clerk installations (``[exchange]``
    ``hall_id``: 行政区划代码-name); ``transfer_days`` the working days the alliance
    agreement allows for handing the case over, added to the item's own limit.
    """

    code: str  # 6-digit 行政区划代码, e.g. 440305
    name: str  # 深圳市南山区
    body: str  # the handling body (办理机构), e.g. 深圳市南山区政务服务中心
    phone: str
    address: str
    transfer_days: int
    hall_id: str

    @property
    def label(self) -> str:
        """How a search hit names it: 跨域·深圳市南山区."""
        return f"跨域·{self.name}"


@dataclass(frozen=True)
class ServiceItem:
    """A service item (政务服务事项) as its 办事指南 describes it."""

    code: str  # 事项编码
    name: str
    department: str  # 实施机构
    kind: ItemKind
    statutory_days: int  # 法定时限, a count in ``statutory_unit``
    promised_days: int  # 承诺时限, a count in ``promised_unit``
    fee: str
    result_name: str
    deliveries: tuple[Delivery, ...]
    phone: str
    materials: tuple[Material, ...]
    situations: tuple[Situation, ...] = ()
    source: str = ""  # "file:line" where the item is defined
    aliases: tuple[str, ...] = ()  # 俗称: what applicants call it (营业执照, 上户口)
    statutory_unit: LimitUnit = LimitUnit.WORKING_DAYS
    promised_unit: LimitUnit = LimitUnit.WORKING_DAYS
    item_type: str = ""  # 事项类型: 行政许可, 行政确认, 公共服务 ... (as the 实施清单 says)
    commitment: Commitment | None = None  # 实行告知承诺制: every case is taken on commitment
    region: HandlingRegion | None = None  # 跨域通办: another region decides it (its catalog, not this hall's)

    @property
    def statutory(self) -> TimeLimit:
        return TimeLimit(self.statutory_days, self.statutory_unit)

    @property
    def promised(self) -> TimeLimit:
        return TimeLimit(self.promised_days, self.promised_unit)


@dataclass(frozen=True)
class Bundle:
    """一件事一次办: a named set of items handled as one visit."""

    code: str
    name: str
    item_codes: tuple[str, ...]
    description: str = ""
    source: str = ""
    aliases: tuple[str, ...] = ()  # 俗称 (开店)
    child_name: bool = False  # asks for the newborn's name (新生儿姓名), printed on every notice


@dataclass(frozen=True)
class ChecklistEntry:
    """One material to tick at the window, with the items that ask for it."""

    material: Material
    needed_by: tuple[str, ...]  # item codes


@dataclass(frozen=True)
class Checklist:
    """The checklist as presented at intake: what a case freezes."""

    catalog_version: str
    item_codes: tuple[str, ...]
    answers: tuple[tuple[str, str], ...]  # (situation key, chosen label)
    entries: tuple[ChecklistEntry, ...] = field(default_factory=tuple)
    code: str = ""  # the item or bundle code the checklist was built for
