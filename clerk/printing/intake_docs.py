"""Documents printed at the window when a visit ends (行政许可法 art. 32 vouchers)."""

from __future__ import annotations

from clerk.printing.cjkwrap import text_width
from clerk.printing.data import CrossRegionNotice, NoticeData
from clerk.printing.masking import mask_id_number
from clerk.printing.parts import PROVISIONAL_NOTE, Doc, day_text, supply_text, time_text


def promised(doc: Doc, d: NoticeData) -> None:
    """承诺件通知书: accepted, with the promised completion date.

    The text follows the case: 申请材料齐全 only when the verdict is complete;
    a 容缺 acceptance lists what is owed and by when; a bundle lists each item
    with its own case number, outcome and date.
    """
    doc.header("承诺件通知书", number=d.case_number)
    doc.salutation(d)
    received = time_text(d.received_at, doc.tz)
    due = "—"
    if d.due_date:
        due = day_text(d.due_date, weekday=True) + ("前（暂定）" if d.due_provisional else "前")
    if d.items:
        doc.body(
            f"您申请办理的{d.bundle_title}（一件事一次办，共{len(d.items)}项事项），"
            f"本中心已于{received}收件。各事项分别编号、分别办理，办理结果和时间如下表。{_waiting_note(d)}"
            "本通知书是您已办结收件手续的凭证，请妥善保管。"
        )
        timing = [("全部办结", due)] if d.due_date and any(i.due_date for i in d.items) else []
    elif d.tolerated:
        owed = max(d.tolerated, key=lambda m: m.supply_by)
        doc.body(
            f"您申请办理的“{d.item_title}”，本中心已于{received}予以容缺受理，承诺在{d.promised_text}内办结。"
            f"尚有{len(d.tolerated)}项材料须于{supply_text(owed)}补交（见下表），逾期未补交的，本次申请终止办理。"
            "本通知书是您已办结受理手续的凭证，请妥善保管。"
        )
        timing = [("承诺时限", d.promised_text), ("办结时间", due)]
    else:
        state = "申请材料齐全、符合法定形式，" if d.materials_complete else ""
        doc.body(
            f"您申请办理的“{d.item_title}”，{state}本中心已于{received}予以受理，"
            f"承诺在{d.promised_text}内办结。本通知书是您已办结受理手续的凭证，请妥善保管。"
        )
        timing = [("承诺时限", d.promised_text), ("办结时间", due)]
    if d.cross_region is not None:
        doc.body(_cross_region_text(d.cross_region))
        timing += _cross_region_fields(d.cross_region)
    pairs = doc.applicant_fields(d) + [("收件时间", received), *timing, ("结果送达", doc.delivery_text(d))]
    doc.flow.fields(pairs + doc.window_fields(d))
    if d.due_provisional and d.due_date:
        doc.flow.para("※ " + PROVISIONAL_NOTE.format(years=d.due_date.year), bold=True)
    if d.items:
        doc.bundle_items(d)
    if d.tolerated:
        doc.tolerated_owed(d)
    doc.materials_received(d)
    doc.seal(doc.phone_lines("凭受理编号或扫描本通知书条码可查询办理进度；办理结果将按上述方式送达，无需再跑。"))


def _cross_region_text(c: CrossRegionNotice) -> str:
    """跨域通办 (异地代收代办): where the case was taken in, where it is decided, and how."""
    return (f"本事项为跨域通办事项，由{c.taken_in}收件（收件地），{c.deciding}审批办理（办理地）。"
            f"本中心于受理后{c.transfer_days}个工作日内将申请材料移交办理地，办理地承诺时限为{c.handling_limit}，"
            f"上述承诺时限已包含移交时间。办理进度可向办理地咨询：{c.phone}。")


def _cross_region_fields(c: CrossRegionNotice) -> list[tuple[str, str]]:
    return [("收件地", c.taken_in), ("办理地", c.deciding), ("办理地电话", c.phone), ("办理地地址", c.address)]


def on_the_spot(doc: Doc, d: NoticeData) -> None:
    """即办件办结回执: decided at the window."""
    doc.header("即办件办结回执", number=d.case_number)
    doc.salutation(d)
    received = time_text(d.received_at, doc.tz)
    done = time_text(d.issued_at or d.received_at, doc.tz)
    if d.items:  # a bundle whose items taken today were all done on the spot
        doc.body(
            f"您申请办理的{d.bundle_title}（一件事一次办，共{len(d.items)}项事项），本中心已于{received}收件。"
            f"各事项分别编号、分别办理，办理结果和时间如下表。{_waiting_note(d)}"
        )
        doc.flow.fields(doc.applicant_fields(d) + [("收件时间", received)] + doc.window_fields(d))
        doc.bundle_items(d)
        doc.materials_received(d)
        doc.seal(doc.phone_lines("欢迎您对本次服务作出评价（好差评）。"))
        return
    result = f"，办理结果：{d.result_name}" if d.result_name else ""
    state = "申请材料齐全，" if d.materials_complete else ""
    doc.body(f"您申请办理的“{d.item_title}”，{state}已于{done}当场办结{result}。")
    pairs = doc.applicant_fields(d) + [("收件时间", received), ("办结时间", f"{done}（即办件，当场办结）")]
    if d.result_name:
        pairs.append(("办理结果", d.result_name))
    doc.flow.fields(pairs + doc.window_fields(d))
    doc.materials_received(d)
    doc.seal(doc.phone_lines("欢迎您对本次服务作出评价（好差评）。"))


def one_time(doc: Doc, d: NoticeData) -> None:
    """一次性告知书（补正材料通知书）: every missing material, once and in full."""
    doc.header("一次性告知书", subtitle="（补正材料通知书）", number=d.case_number)
    doc.salutation(d)
    law = "根据《中华人民共和国行政许可法》第三十二条的规定，现将需要补正的全部内容一次性告知如下："
    received = time_text(d.received_at, doc.tz)
    if d.items:
        _bundle_one_time(doc, d, received, law)
        return
    doc.body(f"您于{received}申请办理的“{d.item_title}”，经审查，申请材料不齐全或者不符合法定形式。{law}")
    if d.cross_region is not None:
        c = d.cross_region
        doc.body(f"本事项为跨域通办事项，由{c.deciding}审批办理（办理地，电话 {c.phone}），"
                 f"材料补齐后仍在{c.taken_in}（收件地）提交。")
    doc.missing_list(d)
    doc.materials_received(d, heading="已收材料（已留存，补正时无需重复提交）")
    doc.supplement_channels(d)
    window = "　".join(f"{k}：{v}" for k, v in doc.window_fields(d))
    doc.seal(doc.phone_lines(*([window] if window else []), fallback=True))


def _bundle_one_time(doc: Doc, d: NoticeData, received: str, law: str) -> None:
    """A bundle's 一次性告知书: only the items that wait for materials are told they are incomplete.

    The items concerned are those the notice's materials are for (as issued, so a
    补打 after some were supplied says the same); the other items' outcomes stand in the table.
    """
    named = {n for m in d.missing for n in m.for_items}
    concerned = [i for i in d.items if i.name in named] or [i for i in d.items if i.awaiting_supplement]
    if concerned and len(concerned) < len(d.items):
        names = "、".join(f"“{i.name}”（受理编号 {i.number}）" for i in concerned)
        doc.body(
            f"您于{received}申请办理的{d.bundle_title}（一件事一次办，共{len(d.items)}项事项）中，{names}"
            f"经审查申请材料不齐全或者不符合法定形式；其余{len(d.items) - len(concerned)}项事项不受影响，"
            f"办理结果见下表。{law}"
        )
    else:
        doc.body(
            f"您于{received}申请办理的{d.bundle_title}（一件事一次办，共{len(d.items)}项事项），经审查，"
            f"申请材料不齐全或者不符合法定形式。{law}"
        )
    doc.missing_list(d)
    doc.bundle_items(d)
    doc.flow.fields([(k, v) for k, v in doc.applicant_fields(d) if k != "办理事项"])  # named above, item by item
    doc.materials_received(d, heading="已收材料（已留存，补正时无需重复提交）")
    doc.supplement_channels(d)
    window = "　".join(f"{k}：{v}" for k, v in doc.window_fields(d))
    doc.seal(doc.phone_lines(*([window] if window else []), fallback=True))


def _waiting_note(d: NoticeData) -> str:
    """A bundle's items waiting for materials, pointed at their one-time notice."""
    waiting = [i for i in d.items if i.awaiting_supplement]
    if not waiting:
        return ""
    names = "、".join(f"“{i.name}”" for i in waiting)
    return f"其中{names}待补正，见一次性告知书。"


def commitment(doc: Doc, d: NoticeData) -> None:
    """容缺受理承诺书: two copies (联), signed by the applicant."""
    doc.two_copies("受理窗口存档", lambda label: _commitment_copy(doc, d, label))


def _commitment_copy(doc: Doc, d: NoticeData, copy_label: str) -> None:
    f = doc.flow
    doc.header("容缺受理承诺书", subtitle=copy_label, number=d.case_number)
    who = "本单位" if d.applicant_kind == "单位" else "本人"
    f.para(
        f"\u3000\u3000{who}{d.applicant_name}（证件号码 {mask_id_number(d.applicant_id)}）申请办理"
        f"“{d.item_title}”。因下列材料暂时无法提供，申请容缺受理，并郑重承诺："
    )
    signed = d.committed or d.tolerated  # a 补打 reproduces what was signed, also what arrived since
    f.heading(f"容缺材料（共{len(signed)}项）")
    num_w = _num_width(doc)
    for i, m in enumerate(signed, 1):
        f.para(f"{i}. {m.name}（{day_text(m.supply_by)}前补交" + ("，日期暂定）" if m.provisional else "）"),
               hang=num_w, bold=True)
        f.para(f"要求：{m.requirement or '按办事指南提交'}", indent=num_w)
    latest = max(signed, key=lambda m: m.supply_by, default=None)
    by = f"（最迟{supply_text(latest)}）" if latest else ""
    if any(m.provisional for m in signed):
        years = "、".join(str(y) for y in sorted({m.supply_by.year for m in signed if m.provisional}))
        f.para("※ 补交日期（暂定）按法定节日从宽推算，待国务院公布"
               f"{years}年度节假日安排后以实际为准，不会因此提前。", bold=True)
    for line in (
        f"一、在上述期限前{by}补齐全部容缺材料，所补材料真实、合法、有效，与已提交的材料一致。",
        "二、逾期未补齐的，同意终止办理本次申请；已作出许可决定的，由审批部门依法撤销，"
        "由此产生的法律责任和后果由" + who + "承担。",
        "三、如有虚假承诺，愿承担相应法律责任，并同意将失信信息记入信用记录。",
    ):
        f.para(line, hang=_num_width(doc, "一、"))
    f.space(0.5)
    f.signature("承诺人（签名/盖章）：")
    f.signature("日期：\u3000\u3000\u3000\u3000年\u3000\u3000月\u3000\u3000日\u3000联系电话：")
    f.fields(doc.window_fields(d) + [("受理时间", time_text(d.received_at, doc.tz))])
    doc.seal()


def rejection(doc: Doc, d: NoticeData) -> None:
    """不予受理通知书, with the reason."""
    doc.header("不予受理通知书", number=d.case_number)
    doc.salutation(d)
    doc.body(
        f"您于{time_text(d.received_at, doc.tz)}申请办理的“{d.item_title}”，经审查，不予受理。"
        "根据《中华人民共和国行政许可法》第三十二条第一款的规定，特此告知。"
    )
    doc.flow.heading("不予受理的理由")
    doc.body(d.reason or "—")
    if d.legal_basis:
        doc.flow.heading("依据")
        doc.body(d.legal_basis)
    doc.flow.fields(doc.applicant_fields(d) + doc.window_fields(d))
    doc.remedy()
    doc.seal(doc.phone_lines())


def _num_width(doc: Doc, sample: str = "1. ") -> float:
    return text_width(sample, doc.flow.font, doc.paper.body)
