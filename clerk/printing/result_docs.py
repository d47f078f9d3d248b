"""Documents for the back office's decision, and the EMS daily manifest."""

from __future__ import annotations

from clerk.printing.data import ManifestData, ManifestRow, NoticeData
from clerk.printing.masking import mask_phone_number
from clerk.printing.parts import Doc, day_text, time_text


def _decision_fields(doc: Doc, d: NoticeData) -> list[tuple[str, str]]:
    pairs = doc.applicant_fields(d) + [("收件时间", time_text(d.received_at, doc.tz))]
    if d.decided_on:
        pairs.append(("决定日期", day_text(d.decided_on)))
    if d.decision_number:
        pairs.append(("决定书文号", d.decision_number))
    return pairs


def result_ready(doc: Doc, d: NoticeData) -> None:
    """办结通知书: the licence (or other result) is ready."""
    doc.header("办结通知书", number=d.case_number)
    doc.salutation(d)
    result = d.result_name or "办理结果"
    doc.body(f"您申请办理的“{d.item_title}”已办结，经审查符合办证条件，准予许可，现将{result}送达给您。")
    if d.by_mail:
        # What is true when printed: handed to EMS (its waybill known) or still to be.
        how = (f"已交EMS免费寄送至：{d.address}，邮件号 {d.waybill}" if d.waybill
               else f"将由EMS免费寄送至：{d.address}，交寄后可凭受理编号查询邮件号")
    else:
        place = f"{d.window}号窗口" if d.window and "窗口" not in d.window else (d.window or "出证窗口")
        how = f"请于工作日携带本通知书及有效身份证件到{d.hall.address}{place}领取"
    pairs = _decision_fields(doc, d) + ([("办理结果", d.result_name)] if d.result_name else []) + [("送达方式", how)]
    doc.flow.fields(pairs)
    doc.seal(doc.phone_lines("如对办理结果或服务有意见，请拨打投诉电话，我们将及时处理并答复。"))


def result_correction(doc: Doc, d: NoticeData) -> None:
    """补正材料通知书 from the back office."""
    doc.header("补正材料通知书", number=d.case_number)
    doc.salutation(d)
    dept = d.department or "审批部门"
    doc.body(
        f"您申请办理的“{d.item_title}”，经{dept}审查，需要补正材料后方可作出决定。"
        "现将需要补正的全部内容一次性告知如下："
    )
    if d.reason:
        doc.flow.heading("补正原因")
        doc.body(d.reason)
    doc.missing_list(d)
    doc.supplement_channels(d)
    doc.flow.fields(_decision_fields(doc, d)[2:])
    doc.seal(doc.phone_lines(fallback=True))


def result_refused(doc: Doc, d: NoticeData) -> None:
    """不予许可通知书, with the reason and the remedy."""
    doc.header("不予许可通知书", number=d.case_number)
    doc.salutation(d)
    dept = d.department or "审批部门"
    doc.body(f"您申请办理的“{d.item_title}”，经{dept}审查，不符合办理要求，决定不予许可。")
    doc.flow.heading("不予许可的理由")
    doc.body(d.reason or "—")
    if d.legal_basis:
        doc.flow.heading("依据")
        doc.body(d.legal_basis)
    doc.flow.fields(_decision_fields(doc, d))
    doc.remedy()
    doc.seal(doc.phone_lines())


def manifest(doc: Doc, m: ManifestData) -> None:
    """EMS交寄清单: one row per mailing handed to the EMS station."""
    f, p = doc.flow, doc.paper
    subtitle = f"交寄日期：{day_text(m.day)}　批次：{m.number}"
    doc.header("EMS交寄清单", subtitle=subtitle)
    if not m.rows:
        f.para("今日无交寄邮件。", align="center")
    elif p.height is None:  # roll: one block per mailing
        for i, r in enumerate(m.rows, 1):
            f.heading(f"{i}. 邮件号 {r.waybill}")
            f.fields(_row_pairs(r))
            f.rule(dashed=True)
    else:
        rows = [
            [str(i), r.waybill, r.case_number, r.recipient, mask_phone_number(r.phone),
             f"{r.address}{'（' + r.postcode + '）' if r.postcode else ''}", r.contents]
            for i, r in enumerate(m.rows, 1)
        ]
        f.table(["序号", "邮件号", "受理编号", "收件人", "电话", "地址", "内件"], rows,
                [0.55, 2.2, 2.3, 1.3, 1.6, 4.2, 2.0], p.small, fit=(0, 1, 2, 4))
    f.space(0.5)
    f.para(f"共 {len(m.rows)} 件。邮费由政府统一结算，不向收件人收取。", bold=True)
    f.space(0.5)
    f.signature("交寄人（签名）：" + (m.clerk_name and f"{m.clerk_name}　"))
    f.signature("EMS揽收人（签名）：")
    f.signature("揽收时间：")


def _row_pairs(r: ManifestRow) -> list[tuple[str, str]]:
    address = r.address + (f"（{r.postcode}）" if r.postcode else "")
    return [("受理编号", r.case_number), ("收件人", r.recipient), ("电话", mask_phone_number(r.phone)),
            ("地址", address), ("内件", r.contents)]
