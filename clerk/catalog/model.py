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
class ServiceItem:
    """A service item (政务服务事项) as its 办事指南 describes it."""

    code: str  # 事项编码
    name: str
    department: str  # 实施机构
    kind: ItemKind
    statutory_days: int  # 法定时限, working days
    promised_days: int  # 承诺时限, working days
    fee: str
    result_name: str
    deliveries: tuple[Delivery, ...]
    phone: str
    materials: tuple[Material, ...]
    situations: tuple[Situation, ...] = ()
    source: str = ""  # "file:line" where the item is defined


@dataclass(frozen=True)
class Bundle:
    """一件事一次办: a named set of items handled as one visit."""

    code: str
    name: str
    item_codes: tuple[str, ...]
    description: str = ""
    source: str = ""
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
