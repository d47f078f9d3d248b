"""Plain domain objects of a visit and the pure verdict on its materials.

Everything here is data and pure functions: the window's live verdict panel,
the service layer and the tests all call ``assess``; no widget and no SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from clerk.catalog.model import Checklist, ChecklistEntry, Delivery, Material, MaterialForm, Need
from clerk.domain.scans import MaterialFile
from clerk.identity import check_phone, check_postcode, check_resident_id, check_uscc
from clerk.identity.text import ADDRESS_MAX, NAME_MAX, text_problems


class MaterialStatus(StrEnum):
    PENDING = "待核"  # not yet ticked by the clerk
    ORIGINAL = "已收原件"
    COPY = "已收复印件"
    MISSING = "缺"
    TOLERATED = "容缺"  # missing, accepted on a written commitment
    NOT_APPLICABLE = "不适用"
    COMMITTED = "告知承诺"  # replaced by the applicant's signed commitment; never comes, verified later

    @property
    def received(self) -> bool:
        return self in (MaterialStatus.ORIGINAL, MaterialStatus.COPY)


@dataclass(frozen=True)
class MaterialMark:
    """What the clerk ticked for one material."""

    status: MaterialStatus = MaterialStatus.PENDING
    copies: int = 0
    note: str = ""
    supply_by: date | None = None  # 容缺: the date the applicant promised to supply it


class ApplicantKind(StrEnum):
    PERSON = "个人"  # 居民身份证
    ORG = "单位"  # 统一社会信用代码


@dataclass(frozen=True)
class Applicant:
    kind: ApplicantKind
    name: str
    id_number: str
    phone: str
    address: str = ""
    postcode: str = ""
    contact_name: str = ""  # for an organisation: the person who came

    def problems(self, *, need_address: bool) -> list[str]:
        """Reasons, in Chinese, why this applicant cannot be saved yet."""
        found: list[str] = text_problems(
            (self.name, "申请人名称", NAME_MAX), (self.address, "邮寄地址", ADDRESS_MAX),
            (self.contact_name, "经办人", NAME_MAX),
        )
        if not self.name.strip():
            found.append("请填写申请人名称")
        check = check_resident_id if self.kind is ApplicantKind.PERSON else check_uscc
        label = "身份证号码" if self.kind is ApplicantKind.PERSON else "统一社会信用代码"
        result = check(self.id_number)
        if not result.ok:
            found.append(f"{label}：{result.reason}")
        phone = check_phone(self.phone)
        if not phone.ok:
            found.append(f"联系电话：{phone.reason}")
        if need_address and not self.address.strip():
            found.append("选择EMS邮寄时必须填写邮寄地址")
        if self.postcode:
            postcode = check_postcode(self.postcode)
            if not postcode.ok:
                found.append(f"邮政编码：{postcode.reason}")
        return found


@dataclass(frozen=True)
class IntakeDraft:
    """Everything typed at the window before the visit is committed.

    Plain data: it survives a store outage and is saved when the store returns.
    """

    code: str  # item or bundle code
    applicant: Applicant
    delivery: Delivery
    answers: dict[str, str] = field(default_factory=dict)
    marks: dict[str, MaterialMark] = field(default_factory=dict)  # material key → mark
    child_name: str = ""  # 新生儿姓名: a bundle that asks for it (the newborn bundle)
    files: dict[str, MaterialFile] = field(default_factory=dict)  # material key → captured pages (issue 26)


def child_name_problems(name: str, *, asked: bool, required: bool = True) -> list[str]:
    """Reasons, in Chinese, why the newborn's name cannot be saved (checked like other names).

    ``asked``: the item or bundle records it; ``required``: the visit is accepted
    (a visit sent to the fallback desk or refused may come before the name is chosen).
    """
    if not asked:
        return ["本事项不登记新生儿姓名"] if name.strip() else []
    found = text_problems((name, "新生儿姓名", NAME_MAX))
    if required and not name.strip():
        found.append("请填写新生儿姓名")
    return found


class VerdictState(StrEnum):
    COMPLETE = "complete"  # every required material received
    TOLERABLE = "tolerable"  # only 容缺-allowed materials missing, each marked 容缺
    INCOMPLETE = "incomplete"


class Outcome(StrEnum):
    """How the clerk ends the visit."""

    ACCEPT = "accept"  # 承诺件 accepted / 即办件 done on the spot
    TOLERATE = "tolerate"  # 容缺受理
    FALLBACK = "fallback"  # incomplete → fallback desk, one-time notice
    REJECT = "reject"  # 不予受理, with a reason


OUTCOME_LABELS = {
    Outcome.ACCEPT: "受理",
    Outcome.TOLERATE: "容缺受理",
    Outcome.FALLBACK: "转兜底窗口（一次性告知）",
    Outcome.REJECT: "不予受理",
}


@dataclass(frozen=True)
class Requirement:
    """One thing the checklist asks for: a material, or an "A or B" group."""

    entries: tuple[ChecklistEntry, ...]

    @property
    def name(self) -> str:
        return " 或 ".join(e.material.name for e in self.entries)

    @property
    def tolerable(self) -> bool:
        return any(e.material.tolerable for e in self.entries)

    @property
    def committable(self) -> bool:
        """告知承诺: a signed commitment may stand in for it."""
        return any(e.material.commitment is not None for e in self.entries)


@dataclass(frozen=True)
class Verdict:
    state: VerdictState
    missing: tuple[Requirement, ...]  # missing or not yet checked
    tolerated: tuple[Requirement, ...]
    pending: tuple[Requirement, ...]  # not yet ticked (counted as missing too)
    problems: tuple[str, ...] = ()  # e.g. 容缺 on a material that does not allow it
    committed: tuple[Requirement, ...] = ()  # met by the applicant's 告知承诺 (verified afterwards)

    @property
    def summary(self) -> str:
        pledged = ""
        if self.committed:
            pledged = f"（告知承诺 {len(self.committed)} 项：{'、'.join(r.name for r in self.committed)}）"
        if self.state is VerdictState.COMPLETE:
            return "材料齐全" + pledged
        if self.state is VerdictState.TOLERABLE:
            names = "、".join(r.name for r in self.tolerated)
            return f"可容缺受理（容缺 {len(self.tolerated)} 项：{names}）{pledged}"
        names = "、".join(r.name for r in self.missing)
        return f"缺 {len(self.missing)} 项：{names}"

    def allowed_outcomes(self) -> tuple[Outcome, ...]:
        if self.state is VerdictState.COMPLETE:
            return (Outcome.ACCEPT, Outcome.REJECT)
        if self.state is VerdictState.TOLERABLE:
            return (Outcome.TOLERATE, Outcome.FALLBACK, Outcome.REJECT)
        return (Outcome.FALLBACK, Outcome.REJECT)


def requirements(checklist: Checklist) -> tuple[Requirement, ...]:
    """Group the checklist into requirements: alternatives form one requirement.

    Optional (非必要) materials never block a visit and are left out.
    """
    groups: dict[str, list[ChecklistEntry]] = {}
    order: list[str] = []
    for entry in checklist.entries:
        if entry.material.need is Need.OPTIONAL:
            continue
        key = f"alt:{entry.material.alt_group}" if entry.material.alt_group else f"mat:{entry.material.key}"
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(entry)
    return tuple(Requirement(tuple(groups[k])) for k in order)


def satisfies(material: Material, status: MaterialStatus) -> bool:
    """A mark meets the material: received (a copy does not stand in for a 原件) or not applicable."""
    if status is MaterialStatus.COPY:
        return material.form is not MaterialForm.ORIGINAL
    return status.received or status is MaterialStatus.NOT_APPLICABLE


def assess(checklist: Checklist, marks: dict[str, MaterialMark]) -> Verdict:
    """The verdict on a visit's materials (the live panel at the window)."""
    missing: list[Requirement] = []
    tolerated: list[Requirement] = []
    committed: list[Requirement] = []
    pending: list[Requirement] = []
    problems: list[str] = []
    for req in requirements(checklist):
        statuses = {e.material.key: marks.get(e.material.key, MaterialMark()).status for e in req.entries}
        if any(satisfies(e.material, statuses[e.material.key]) for e in req.entries):
            continue
        pledged = [e for e in req.entries if statuses[e.material.key] is MaterialStatus.COMMITTED]
        if pledged:
            refused = [e for e in pledged if e.material.commitment is None]
            if not refused:
                committed.append(req)
                continue
            problems.extend(f"“{e.material.name}”不实行告知承诺" for e in refused)
        tolerated_entries = [e for e in req.entries if statuses[e.material.key] is MaterialStatus.TOLERATED]
        if tolerated_entries:
            refused = [e for e in tolerated_entries if not e.material.tolerable]
            if not refused:
                tolerated.append(req)
                continue
            problems.extend(f"“{e.material.name}”不允许容缺" for e in refused)
        if all(s is MaterialStatus.PENDING for s in statuses.values()):
            pending.append(req)
        missing.append(req)
    if not missing and not tolerated:
        state = VerdictState.COMPLETE
    elif not missing:
        state = VerdictState.TOLERABLE
    else:
        state = VerdictState.INCOMPLETE
    return Verdict(state, tuple(missing), tuple(tolerated), tuple(pending), tuple(problems), tuple(committed))
