"""The papers of 告知承诺制: the 告知承诺书 signed at the window, the 撤销决定书 after a false one.

With 告知承诺 the applicant's signed commitment stands in for a certificate (or for the
check before approval); the authority approves and verifies afterwards (事中事后核查).
A commitment found false revokes the approval and is recorded as dishonest (失信).
"""

from __future__ import annotations

from clerk.printing.cjkwrap import text_width
from clerk.printing.data import NoticeData, PledgeLine, PrintError
from clerk.printing.masking import mask_id_number, mask_phone_number
from clerk.printing.parts import Doc, day_text, time_text

#: the applicant's commitment, in the State Council's standard wording (证明事项告知承诺书格式文本)
PLEDGE_WORDING = (
    "本人（单位）已知晓行政机关告知的全部内容，所填写的信息真实、准确，符合告知的条件、标准和要求，"
    "愿意承担不实承诺的法律责任。本人（单位）同意并配合行政机关在上述期限内以上述方式核查，"
    "以上承诺是本人（单位）真实意思的表示。"
)

#: what a false commitment leads to, told before the applicant signs
FALSE_PLEDGE = (
    "经核查承诺不实的，审批部门将依法撤销准予许可决定（所发证照随之失效），"
    "将不实承诺记入申请人的信用记录（失信），并依法追究法律责任。"
)

#: the statute a revocation rests on when the decision names no other
REVOCATION_BASIS = "《中华人民共和国行政许可法》第六十九条第二款（被许可人以欺骗、贿赂等不正当手段取得行政许可的，应当予以撤销）"


def pledge(doc: Doc, d: NoticeData) -> None:
    """告知承诺书: two copies (联), signed by the applicant; each commitment with how it is verified."""
    if not d.pledges:
        raise PrintError("告知承诺书没有承诺事项：本案件未选择告知承诺")
    doc.two_copies("审批部门存档", lambda label: _pledge_copy(doc, d, label))


def _pledge_copy(doc: Doc, d: NoticeData, copy_label: str) -> None:
    f = doc.flow
    doc.header("告知承诺书", subtitle=copy_label, number=d.case_number)
    dept = d.department or "审批部门"
    id_label = "身份证号" if d.applicant_kind == "个人" else "信用代码"
    f.heading("一、审批部门告知")
    doc.body(
        f"申请人{d.applicant_name}（{id_label} {mask_id_number(d.applicant_id)}）申请办理“{d.item_title}”。"
        f"下列{len(d.pledges)}项实行告知承诺制：申请人书面承诺后，不再提交所代替的材料或等待先行核查，"
        f"由{dept}在规定期限内核查承诺内容。"
    )
    pairs = [("受理编号", d.case_number)]
    if d.contact_name:
        pairs.append(("经办人", d.contact_name))
    f.fields([*pairs, ("联系电话", mask_phone_number(d.phone))])
    f.heading(f"承诺事项（共{len(d.pledges)}项）")
    num_w = text_width("1. ", f.font, doc.paper.body)
    for i, line in enumerate(d.pledges, 1):
        _pledge_line(doc, i, line, num_w)
    f.heading("不实承诺的后果")
    doc.body(FALSE_PLEDGE)
    f.heading("二、申请人承诺")
    doc.body(PLEDGE_WORDING)
    f.space(0.3)
    f.signature("承诺人（签字/盖章）：")
    f.signature("日期：\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日\u3000联系电话：")
    window = [f"{k}：{v}" for k, v in doc.window_fields(d) if k == "受理窗口"]
    doc.seal((
        *window,
        f"受理时间：{time_text(d.received_at, doc.tz)}",
        "受理人（签字）：" + d.clerk_name,
        "本告知承诺书一式两份，申请人与审批部门各执一份。",
    ))


def _pledge_line(doc: Doc, number: int, line: PledgeLine, num_w: float) -> None:
    f = doc.flow
    f.para(f"{number}. {line.name}", hang=num_w, bold=True)
    scope = "全部核查" if line.sampled is None else "按比例随机抽查"
    due = f"{day_text(line.verify_by)}前完成" + ("（暂定，按法定节日从宽推算）" if line.provisional else "")
    rows = [("法定要求", line.basis), ("以承诺代替", line.replaces), ("核查", f"{line.method}（{scope}），{due}")]
    for label, value in rows:
        if not value:
            continue
        f.para(f"{label}：{value}", indent=num_w, hang=text_width(f"{label}：", f.font, doc.paper.body))


def revocation(doc: Doc, d: NoticeData) -> None:
    """撤销决定书: a commitment found false, the approval granted on it revoked; the remedy."""
    doc.header("撤销决定书", subtitle=d.decision_number, number=d.case_number)
    doc.salutation(d)
    dept = d.department or "审批部门"
    approval = _approval_text(d)
    result = f"，核发{d.result_name}" if d.result_name and d.approved else ""
    doc.body(
        f"您于{time_text(d.received_at, doc.tz)}申请办理的“{d.item_title}”以告知承诺方式办理，"
        f"{dept}{approval}{result}。"
    )
    doc.flow.heading("核查情况")
    doc.body(f"经事后核查，您作出的承诺与实际情况不符（承诺不实）：{d.reason or '—'}")
    if d.pledges:
        f = doc.flow
        num_w = text_width("1. ", f.font, doc.paper.body)
        for i, line in enumerate(d.pledges, 1):
            f.para(f"{i}. 不实的承诺：{line.name}（以承诺代替：{line.replaces}；核查方式：{line.method}）", hang=num_w)
    doc.flow.heading("依据")
    doc.body(d.legal_basis or REVOCATION_BASIS)
    doc.flow.heading("撤销决定")
    if d.approved:
        void = f"，{d.result_name}随之失效" if d.result_name else ""
        decision = f"{dept}决定撤销上述准予许可决定{void}。"
    else:
        decision = f"{dept}决定撤销对上述申请的受理，本申请终止办理。"
    if d.credit_recorded:
        decision += "您作出不实承诺的行为已记入信用记录（失信）；涉嫌违法的，依法追究法律责任。"
    doc.body(decision)
    pairs = doc.applicant_fields(d)
    original = "　".join(x for x in (d.approval_number, day_text(d.approved_on) if d.approved_on else "") if x)
    if original:
        pairs.append(("原许可决定", original))
    if d.result_name and d.approved:
        pairs.append(("许可证件", d.result_name))
    if d.decided_on:
        pairs.append(("撤销日期", day_text(d.decided_on)))
    if d.decision_number:
        pairs.append(("决定书文号", d.decision_number))
    doc.flow.fields(pairs)
    doc.remedy("本决定书")
    doc.seal(doc.phone_lines(), day=d.decided_on)


def _approval_text(d: NoticeData) -> str:
    """The revoked approval: 于2026年12月18日作出准予许可决定（文号）; or the acceptance."""
    if not d.approved:
        return "已受理"
    when = f"于{day_text(d.approved_on)}" if d.approved_on else "已"
    number = f"（{d.approval_number}）" if d.approval_number else ""
    return f"{when}作出准予许可决定{number}"

