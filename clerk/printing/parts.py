"""Pieces shared by the documents: dates, header, applicant lines, channels, pages."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from reportlab.pdfgen.canvas import Canvas

from clerk.printing.cjkwrap import text_width
from clerk.printing.data import ManifestData, MissingMaterial, NoticeData, ToleratedMaterial
from clerk.printing.layout import Flow, draw_text
from clerk.printing.masking import mask_id_number, mask_phone_number
from clerk.printing.qrcode import progress_link

WEEKDAYS = "一二三四五六日"
PROVISIONAL_NOTE = "办结时间按法定节日从宽推算，待国务院公布{years}年度节假日安排后以实际为准。"


def zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        if name == "Asia/Shanghai":  # no tz database on the host: China has no DST
            return timezone(timedelta(hours=8), "CST")
        raise


def day_text(d: date, weekday: bool = False) -> str:
    text = f"{d.year}年{d.month}月{d.day}日"
    return f"{text}（星期{WEEKDAYS[d.weekday()]}）" if weekday else text


def supply_text(m: ToleratedMaterial) -> str:
    """A 容缺 supply-by date as printed: ``2027年1月7日前``, marked 暂定 when it was counted over
    a year whose holidays are not published (as the due date on the same page is)."""
    return f"{day_text(m.supply_by)}前" + ("（暂定）" if m.provisional else "")


def time_text(moment: datetime, tz: tzinfo) -> str:
    local = moment.astimezone(tz)
    return f"{day_text(local.date())} {local:%H:%M}"


def issue_day(data: NoticeData | ManifestData, tz: tzinfo) -> date:
    if isinstance(data, ManifestData):
        return data.issued_at.astimezone(tz).date() if data.issued_at is not None else data.day
    return (data.issued_at or data.received_at).astimezone(tz).date()


class Doc:
    """A document being built: flow + data + time zone."""

    def __init__(self, flow: Flow, data: NoticeData | ManifestData, tz: tzinfo, progress_url: str = "") -> None:
        self.flow = flow
        self.data = data
        self.tz = tz
        self.paper = flow.paper
        self.progress_url = progress_url  # Settings.progress_url: a QR code beside the barcode

    def two_copies(self, archive: str, draw: Callable[[str], None]) -> None:
        """A paper the applicant signs, in two copies (联): the applicant's, then ``archive``'s —
        a page each, or on a roll one after the other with a line to tear along."""
        for copy, keeper in (("第一联", "申请人留存"), ("第二联", archive)):
            if copy == "第二联":
                if self.paper.height is None:
                    self.flow.space(0.5)
                    self.flow.rule("沿此线撕开")
                    self.flow.space(0.5)
                else:
                    self.flow.page_break()
            draw(f"{copy}　{keeper}")

    def header(self, title: str, subtitle: str = "", number: str = "") -> None:
        f, p = self.flow, self.paper
        f.para(self.data.hall.name, p.body * 1.15, align="center", bold=True)
        f.para(title, p.title, align="center", bold=True)
        if subtitle:
            f.para(subtitle, p.body, align="center")
        if self.data.reprint:
            f.para("【补打】", p.body * 1.15, align="center", bold=True)
        if number:
            f.space(0.2)
            f.barcode(number, progress_link(self.progress_url, number))
        f.space(0.3)

    def salutation(self, d: NoticeData) -> None:
        self.flow.para(f"{d.applicant_name}：", bold=True)

    def body(self, text: str) -> None:
        self.flow.para("\u3000\u3000" + text)

    def applicant_fields(self, d: NoticeData) -> list[tuple[str, str]]:
        id_label = "身份证号" if d.applicant_kind == "个人" else "信用代码"
        pairs = [("受理编号", d.case_number), ("办理事项", d.item_title)]
        if d.department:
            pairs.append(("实施部门", d.department))
        pairs.append(("申请人", d.applicant_name))
        if d.contact_name:
            pairs.append(("经办人", d.contact_name))
        if d.child_name:
            pairs.append(("新生儿姓名", d.child_name))
        pairs += [(id_label, mask_id_number(d.applicant_id)), ("联系电话", mask_phone_number(d.phone))]
        return pairs

    def window_fields(self, d: NoticeData) -> list[tuple[str, str]]:
        pairs = []
        if d.window:
            pairs.append(("受理窗口", d.window if "窗口" in d.window else f"{d.window}号窗口"))
        if d.clerk_name:
            pairs.append(("受理人", d.clerk_name))
        return pairs

    def delivery_text(self, d: NoticeData) -> str:
        if d.by_mail:
            postcode = f"（邮编 {d.postcode}）" if d.postcode else ""
            return f"EMS免费邮寄至：{d.address}{postcode}"
        return "窗口领取（请凭本通知书及有效身份证件领取）"

    def materials_received(self, d: NoticeData, heading: str = "已收材料") -> None:
        if not d.received:
            return
        self.flow.heading(f"{heading}（共{len(d.received)}项）")
        rows = [[str(i), m.name, m.form, f"{m.copies}份"] for i, m in enumerate(d.received, 1)]
        self.flow.table(["序号", "材料名称", "形式", "份数"], rows, [0.8, 5, 1.4, 1.1], self.paper.small + 1,
                        fit=(0, 2, 3))

    def bundle_items(self, d: NoticeData) -> None:
        """A bundle's items: each its own case number, outcome and date."""
        self.flow.heading(f"办理事项（共{len(d.items)}项）")
        rows = []
        for i, item in enumerate(d.items, 1):
            if item.done_at is not None:
                when = f"{day_text(item.done_at.astimezone(self.tz).date())}当场办结"
            elif item.due_date is not None:
                when = f"{day_text(item.due_date)}前办结" + ("（暂定）" if item.due_provisional else "")
            elif item.awaiting_supplement:
                when = "补正后受理"
            else:
                when = "—"
            rows.append([str(i), item.name, item.number, item.state, when])
        self.flow.table(["序号", "事项", "受理编号", "办理结果", "办结时间"], rows, [0.8, 4, 3.2, 1.8, 3.2],
                        self.paper.small + 1, fit=(0, 2, 3))

    def tolerated_owed(self, d: NoticeData) -> None:
        """容缺 materials still owed, each with its deadline."""
        self.flow.heading(f"容缺材料（共{len(d.tolerated)}项，须按期补交）")
        rows = [[str(i), m.name, supply_text(m)] for i, m in enumerate(d.tolerated, 1)]
        self.flow.table(["序号", "材料名称", "补交期限"], rows, [0.8, 5.5, 2.2], self.paper.small + 1, fit=(0, 2))

    def missing_list(self, d: NoticeData) -> None:
        """Each thing to bring, numbered; alternatives (any one will do) are one thing, their
        materials listed under it as （1）（2）…"""
        f = self.flow
        things: list[list[MissingMaterial]] = []
        for m in d.missing:
            if m.choice and things and things[-1][0].choice == m.choice:
                things[-1].append(m)
            else:
                things.append([m])
        f.heading(f"需补正的材料（共{len(things)}项）")
        for i, thing in enumerate(things, 1):
            num_w = text_width(f"{i}. ", f.font, self.paper.body)
            if len(thing) == 1:
                self._missing_material(thing[0], f"{i}. ", num_w, 0.0)
                continue
            f.para(f"{i}. 以下{len(thing)}种材料提交其中一种即可", hang=num_w, bold=True)
            for j, m in enumerate(thing, 1):
                self._missing_material(m, f"（{j}）", text_width(f"（{j}）", f.font, self.paper.body), num_w)

    def _missing_material(self, m: MissingMaterial, number: str, num_w: float, indent: float) -> None:
        f = self.flow
        form = "，".join(x for x in (m.form, f"{m.copies}份" if m.copies else "") if x)
        f.para(f"{number}{m.name}" + (f"（{form}）" if form else ""), indent=indent, hang=num_w, bold=True)
        hang = text_width("要求：", f.font, self.paper.body)
        f.para(f"要求：{m.requirement or '按办事指南提交'}", indent=indent + num_w, hang=hang)
        if m.for_items:
            f.para(f"用于：{'、'.join(m.for_items)}", indent=indent + num_w, hang=text_width("用于：", f.font, self.paper.body))

    def supplement_channels(self, d: NoticeData) -> None:
        hall = d.hall
        f = self.flow
        f.heading("补正方式（任选其一）")
        for line in (
            f"1. 网上补正：登录政务服务网，输入受理编号 {d.case_number} 上传材料电子件。",
            f"2. EMS免费上门收件：拨打 {hall.fallback_desk_phone} 预约，EMS上门收取材料，邮费由政府承担。",
            f"3. 窗口递交：到{hall.address}兜底窗口递交，出示本告知书条码即可调取案件。",
        ):
            f.para(line, hang=text_width("1. ", f.font, self.paper.body))
        if d.supplement_by:
            f.heading("补正期限")
            self.body(
                f"请于{day_text(d.supplement_by, weekday=True)}前补正。材料补齐后即予受理，"
                "已收材料无需重复提交；逾期未补正的，本次申请终止办理，您可重新申请。"
            )

    def phone_lines(self, *tips: str, fallback: bool = False) -> tuple[str, ...]:
        """Tips and the hall's phones, set beside the seal."""
        hall = self.data.hall
        lines = [*tips, f"咨询电话：{hall.enquiry_phone}", f"投诉电话：{hall.complaint_phone}"]
        if fallback:
            lines.insert(0, f"兜底窗口：{hall.fallback_desk_phone}")
        return tuple(lines)

    def remedy(self, paper: str = "本通知书") -> None:
        self.body(
            f"如对本决定不服，可以自收到{paper}之日起六十日内依法申请行政复议，"
            "或者在六个月内依法向人民法院提起行政诉讼。"
        )

    def seal(self, side: tuple[str, ...] = (), day: date | None = None) -> None:
        """The seal block, glued to what precedes it; ``side`` lines go beside it.

        ``day``: the date under the seal (a decision's date); default the day it is issued."""
        self.flow.keep_with_next()
        self.flow.space(0.5)
        self.flow.keep_with_next()
        hall = self.data.hall
        self.flow.seal(hall.name, hall.seal_caption, day_text(day or issue_day(self.data, self.tz)), side)


def draw_pages(flow: Flow, *, number: str, title: str, author: str, reprint_note: str) -> bytes:
    """Paginate ``flow`` and draw it with a footer on every page; return the PDF."""
    paper = flow.paper
    pages = flow.paginate()
    footer_h = flow.footer_height()
    if paper.height is None:
        content = sum(u.height for _, u in pages[0])
        height = content + 2 * paper.margin + footer_h
    else:
        height = paper.height
    buf = io.BytesIO()
    c = Canvas(buf, pagesize=(paper.width, height), invariant=1, pageCompression=0,
               initialFontName=flow.font)  # type: ignore[arg-type]  # a font name (types-reportlab: float)
    c.setTitle(f"{title} {number}".strip())
    c.setAuthor(author)
    c.setCreator("clerk")
    top = height - paper.margin
    size = paper.small
    for index, page in enumerate(pages, 1):
        for offset, unit in page:
            unit.draw(c, paper.margin, top - offset)
        base = paper.margin + size * 0.3
        left = f"{number}　{reprint_note}".strip() if reprint_note else number
        draw_text(c, flow.font, size, paper.margin, base, left, gray=0.3)
        if len(pages) > 1:
            right = f"第{index}页 共{len(pages)}页"
            x = paper.width - paper.margin - text_width(right, flow.font, size)
            draw_text(c, flow.font, size, x, base, right, gray=0.3)
        c.showPage()
    c.save()
    return buf.getvalue()
