"""Who may do what, and who may see what: the one table of each (pure).

Every service call names an ``Action``; the unit of work (``clerk.services.unit``)
re-reads the acting account and checks its stored role here.  Reading a case's
personal data unmasked is a use case too: ``case_sight`` is the access matrix.
"""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum
from typing import TYPE_CHECKING

from clerk.domain.accounts import ClerkUser, Role
from clerk.domain.errors import PermissionDenied
from clerk.identity import mask_address, mask_id, mask_name, mask_phone, mask_uscc

if TYPE_CHECKING:
    from clerk.domain.desk_views import MailItemView
    from clerk.domain.intake import Applicant
    from clerk.domain.views import CaseView

__all__ = [
    "DESK_ROLES",
    "MAIL_ROLES",
    "MAY",
    "Action",
    "Sight",
    "allowed_roles",
    "applicant_for",
    "case_view_for",
    "case_sight",
    "check_permission",
    "check_separation",
    "masked_mail_item",
]

W, F, M, S, A, B = Role.WINDOW, Role.FALLBACK, Role.MAILROOM, Role.SUPERVISOR, Role.ADMIN, Role.BACKOFFICE


class Action(StrEnum):
    """A use case that changes something; the value is its Chinese wording in refusals."""

    INTAKE = "受理案件"
    SUPPLEMENT = "登记补充材料"
    REJECT = "作出不予受理"
    DECIDE = "登记审批结果"
    SCHEDULE_PICKUP = "安排上门揽收"
    MAIL_ITEM = "办理邮件交寄、妥投和退件"
    COLLECT = "登记领取"
    CLOSE = "办结案件"
    RATE = "登记评价"
    FOLLOW_UP = "办结差评整改"
    REPRINT = "补打通知书"
    ACCOUNTS = "管理账号"
    COMPLAINT = "办理诉求"
    VIEW_CASE = "查看案件"
    CALL = "叫号"
    APPOINTMENT = "管理预约"
    OPEN_SCAN = "查看材料扫描件"
    PURGE_SCANS = "清理材料扫描件"
    VERIFY = "登记告知承诺核查结果"


#: the role table: which roles may do each action
MAY: dict[Action, frozenset[Role]] = {
    Action.INTAKE: frozenset({W, F, S}),
    Action.SUPPLEMENT: frozenset({W, F, S}),
    Action.REJECT: frozenset({W, F, S}),
    # Separation of duties: the department's decision is the back office's
    # (and the fallback desk's where the hall allows it: ``fallback_may_decide``).
    Action.DECIDE: frozenset({B}),
    Action.SCHEDULE_PICKUP: frozenset({W, F, S}),
    Action.MAIL_ITEM: frozenset({M, S, F}),  # pickups are also received at the fallback desk
    Action.COLLECT: frozenset({W, F, S, B}),
    Action.CLOSE: frozenset({W, F, S, M}),
    Action.RATE: frozenset({W, F, S, M}),
    Action.FOLLOW_UP: frozenset({S}),
    Action.REPRINT: frozenset({W, F, M, S, B}),
    Action.ACCOUNTS: frozenset({A}),
    Action.COMPLAINT: frozenset({W, F, M, S, B}),
    Action.VIEW_CASE: frozenset({W, F, M, S, B}),
    Action.CALL: frozenset({W, F, S}),  # calling tickets at a window (叫号)
    Action.APPOINTMENT: frozenset({W, F, S}),
    # Scans show the applicant's papers (ID card, certificates) unmasked: only the roles whose sight
    # of the case in hand is FULL (``case_sight``); the mail room and the administrator never.
    Action.OPEN_SCAN: frozenset({W, F, S, B}),
    Action.PURGE_SCANS: frozenset({A}),  # retention: the bytes of closed cases go, the digests stay
    Action.VERIFY: frozenset({B}),  # 告知承诺: the department verifies afterwards (事中事后核查)
}


#: who works the desks and who works the mail room: the window app's menu offers their screens
DESK_ROLES = MAY[Action.SUPPLEMENT]
MAIL_ROLES = frozenset({M, S})  # the fallback desk may also MAIL_ITEM (pickups), from its own screen


def allowed_roles(action: Action, *, fallback_may_decide: bool = False) -> frozenset[Role]:
    roles = MAY[action]
    if action is Action.DECIDE and fallback_may_decide:
        roles = roles | {F}
    return roles


def check_permission(user: ClerkUser, action: Action, *, fallback_may_decide: bool = False) -> None:
    """Raise ``PermissionDenied`` (Chinese) unless ``user``'s role may do ``action``."""
    allowed = allowed_roles(action, fallback_may_decide=fallback_may_decide)
    if user.role not in allowed:
        names = "、".join(r.label for r in Role if r in allowed)
        raise PermissionDenied(f"{user.name}（{user.role.label}）无权{action.value}，需要角色：{names}")


def check_separation(user: ClerkUser, action: Action, intake_clerk_id: str, number: str) -> None:
    """The clerk who took a case in never records its decision nor verifies its commitments (岗位分离)."""
    if action in (Action.DECIDE, Action.VERIFY) and user.id == intake_clerk_id:
        what = "审批结果" if action is Action.DECIDE else "核查结果"
        raise PermissionDenied(f"岗位分离：案件 {number} 由{user.name}本人受理，不能由本人登记{what}")


class Sight(StrEnum):
    """How much of an applicant's personal data a reader sees."""

    FULL = "full"  # name, ID number, phone, address unmasked
    MAILING = "mailing"  # name and mailing address (and phone) of an item it mails; ID masked
    MASKED = "masked"  # the masked list view
    NONE = "none"  # not at all

    @property
    def unmasked(self) -> bool:
        """Whether a reader with this sight sees personal data unmasked (a ``view`` event then)."""
        return self in (Sight.FULL, Sight.MAILING)


def case_sight(role: Role, *, in_hand: bool, mails_it: bool = False) -> Sight:
    """The access matrix for one case.

    ``in_hand``: the reader opened this very case by its number (scanned or typed)
    to work on it; ``mails_it``: the case has a mail item (result out or pickup in).
    Window clerk, fallback desk and back office: the case in hand.  Mail room: name
    and mailing address of items it mails.  Supervisor: all.  Admin: accounts, not
    applicants.
    """
    if role is S:
        return Sight.FULL
    if role in (W, F, B):
        return Sight.FULL if in_hand else Sight.MASKED
    if role is M:
        return Sight.MAILING if mails_it else Sight.MASKED
    return Sight.NONE


def applicant_for(applicant: Applicant, sight: Sight) -> Applicant:
    """The applicant as ``sight`` shows it (``FULL``: as stored)."""
    if sight is Sight.FULL:
        return applicant
    masked_id = mask_id(applicant.id_number) if applicant.kind == "个人" else mask_uscc(applicant.id_number)
    if sight is Sight.MAILING:  # name and where to send it
        return replace(applicant, id_number=masked_id, phone=mask_phone(applicant.phone))
    return replace(applicant, id_number=masked_id, phone=mask_phone(applicant.phone), address="", postcode="")


def case_view_for(view: CaseView, sight: Sight) -> CaseView:
    """A ``CaseView`` (and its children) with the applicant as ``sight`` shows it."""
    if sight is Sight.FULL:
        return view
    return replace(view, applicant=applicant_for(view.applicant, sight),
                   children=tuple(case_view_for(c, sight) for c in view.children))


def masked_mail_item(item: MailItemView) -> MailItemView:
    """A mail item as a list shows it: recipient, phone and address masked (no event needed)."""
    return replace(item, recipient=mask_name(item.recipient), phone=mask_phone(item.phone) if item.phone else "",
                   address=mask_address(item.address))
