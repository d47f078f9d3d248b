"""Report export: CSV (one row per figure) and a printable A4 PDF with bar charts.

The PDF reuses the notice layout (``clerk.printing.layout.Flow``) and font
choice (``clerk.printing.fonts.choose_font``), so Chinese text is embedded the
same way as on the notices; charts are reportlab graphics bar charts.
reportlab is imported on first use.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC
from pathlib import Path
from typing import TYPE_CHECKING

from reportlab.graphics import renderPDF
from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib.colors import Color

from clerk.filemodes import write_private
from clerk.printing.fonts import choose_font
from clerk.printing.layout import Flow, Unit, paper_for
from clerk.printing.parts import draw_pages
from clerk.reports.report import Report

if TYPE_CHECKING:
    from os import PathLike

    from reportlab.pdfgen.canvas import Canvas

CSV_HEADER = ("分类", "项目", "数值")


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


def report_rows(report: Report) -> list[tuple[str, str, str]]:
    """Every figure of the report as (section, label, value)."""
    rows: list[tuple[str, str, str]] = [
        ("概况", "统计期间", report.period),
        ("概况", "办件人次（一件事计1次）", str(report.visits)),
        ("概况", "事项办件数", str(report.item_cases)),
        ("概况", "按时办结率", _pct(report.on_time_rate)),
        ("概况", "期间办结的承诺件（需补正的不计）", str(report.promised_met)),
        ("概况", "其中按时办结（补正期间中止计时，期限顺延）", str(report.promised_on_time)),
        ("概况", "期间要求补正、尚待补正（中止计时，不计办结）", str(report.correction_waiting)),
        ("概况", "满意率（非常满意+满意）", _pct(report.good_rating_share)),
    ]
    rows += [("按事项", f"{code} {name}", str(n)) for code, name, n in report.by_item]
    rows += [("按部门", dept, str(n)) for dept, n in report.by_department]
    rows += [("按窗口", f"{w}号窗口", str(n)) for w, n in report.by_window]
    rows += [("按受理结果", label, str(n)) for label, n in report.by_outcome]
    rows += [("好差评", rating, str(n)) for rating, n in report.ratings]
    for q in report.queues:
        name = f"{q.prefix} {q.name}".strip()
        rows += [("排队叫号", f"{name} 取号", str(q.tickets)), ("排队叫号", f"{name} 已叫号", str(q.called)),
                 ("排队叫号", f"{name} 平均等候（分钟）", f"{q.mean_wait:.1f}"),
                 ("排队叫号", f"{name} 90%等候（分钟）", f"{q.p90_wait:.1f}"),
                 ("排队叫号", f"{name} 最长等候（分钟）", f"{q.longest_wait:.1f}"),
                 ("排队叫号", f"{name} 过号", str(q.no_shows)),
                 ("排队叫号", f"{name} 绿色通道/预约已办", str(q.priority_served)),
                 ("排队叫号", f"{name} 预约签到", str(q.appointments))]
    rows += [("窗口办理时长", f"{w}号窗口 已办 {n} 个号", f"平均 {m:.1f} 分钟，90% {p:.1f} 分钟")
             for w, n, m, p in report.windows_handling]
    rows += [("分时段", f"{h:02d}时", f"取号 {n}，平均等候 {m:.1f} 分钟") for h, n, m in report.by_hour]
    rows += [
        ("兜底与容缺", "转兜底窗口", str(report.fallback_cases)),
        ("兜底与容缺", "其中仍待补正", str(report.fallback_still_open)),
        ("兜底与容缺", "容缺受理", str(report.tolerated_cases)),
        ("兜底与容缺", "容缺材料逾期未补", str(report.supply_overdue)),
    ]
    rows += [("告知承诺", f"{dept} {name}",
              f"承诺 {n}，抽中核查 {drawn}，属实 {true}，不实 {false}，无法核查 {unknown}，逾期未核查 {late}")
             for dept, name, n, drawn, true, false, unknown, late in report.commitments]
    return rows


def report_csv(report: Report) -> str:
    """CSV text (UTF-8 with BOM when written, so spreadsheet programs read Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(report_rows(report))
    return out.getvalue()


def write_csv(report: Report, path: str | PathLike[str]) -> None:
    """The CSV as a 0600 file (0700 folders), written whole or not at all (``clerk.filemodes``)."""
    write_private(Path(path), report_csv(report).encode("utf-8-sig"))


def report_pdf(report: Report, *, font_path: str = "") -> bytes:
    font = choose_font(font_path).name
    flow = Flow(paper_for("a4"), font)
    body = flow.paper.body
    if report.hall_name:
        flow.para(report.hall_name, body + 2, align="center", bold=True)
    flow.para(report.title, flow.paper.title, align="center", bold=True)
    flow.para(f"生成时间：{report.generated_at:%Y-%m-%d %H:%M}", flow.paper.small, align="center", gray=0.3)
    flow.heading("一、概况")
    flow.fields([(label, value) for section, label, value in report_rows(report) if section == "概况"][1:])
    flow.heading("二、按部门")
    if report.by_department:
        flow.add([_hbar_unit(flow, [d for d, _ in report.by_department], [n for _, n in report.by_department])])
    flow.table(["部门", "办件数"], [[d, str(n)] for d, n in report.by_department] or [["—", "0"]], [4, 1])
    flow.heading("三、按事项")
    flow.table(["事项编码", "事项名称", "办件数"], [[c, name, str(n)] for c, name, n in report.by_item] or
               [["—", "—", "0"]], [1.3, 3, 0.8])
    flow.heading("四、按窗口")
    if report.by_window:
        flow.add([_chart_unit(flow, [f"{w}号" for w, _ in report.by_window], [n for _, n in report.by_window])])
    flow.table(["窗口", "办件人次"], [[f"{w}号窗口", str(n)] for w, n in report.by_window] or [["—", "0"]], [4, 1])
    flow.heading("五、按受理结果")
    flow.table(["受理结果", "人次"], [[label, str(n)] for label, n in report.by_outcome] or [["—", "0"]], [4, 1])
    flow.heading("六、好差评")
    flow.add([_chart_unit(flow, [r for r, _ in report.ratings], [n for _, n in report.ratings])])
    flow.table(["评价", "件数"], [[r, str(n)] for r, n in report.ratings], [4, 1])
    flow.heading("七、兜底与容缺")
    flow.fields([(label, value) for section, label, value in report_rows(report) if section == "兜底与容缺"])
    if report.commitments:
        flow.heading("告知承诺")
        flow.table(["部门", "事项", "承诺", "核查", "属实", "不实", "无法核查", "逾期"],
                   [[d, name, *(str(n) for n in counts)] for d, name, *counts in report.commitments],
                   [2, 3, 0.7, 0.7, 0.7, 0.7, 1, 0.7])
    _queue_section(flow, report)
    _audit_anchor(flow, report)
    return draw_pages(flow, number=report.period, title=report.title, author=report.hall_name or "clerk",
                      reprint_note="")


def audit_anchor_lines(report: Report) -> list[tuple[str, str]]:
    """The chain head as printed for the supervisor's signature (hash in groups of 16)."""
    if report.audit_head is None:
        return [("审计链头", "尚无审计事件")]
    seq, digest, at = report.audit_head
    when = "—" if at is None else f"{at.astimezone(report.generated_at.tzinfo or UTC):%Y-%m-%d %H:%M:%S}"
    groups = " ".join(digest[i:i + 16] for i in range(0, len(digest), 16))
    return [("审计链头序号", str(seq)), ("链头哈希", groups), ("链头时间", when),
            ("核验命令", f"clerk audit verify --anchor {seq}:<链头哈希>")]


def _audit_anchor(flow: Flow, report: Report) -> None:
    flow.heading("九、审计链头（主管签字确认）")
    flow.fields(audit_anchor_lines(report))
    flow.space(1)
    flow.para("主管签字：____________________    日期：______________")


def _queue_section(flow: Flow, report: Report) -> None:
    """八、排队叫号: waits per queue, handling per window, tickets and waits per hour (measured)."""
    flow.heading("八、排队叫号")
    if not report.queues:
        flow.para("本期没有取号记录。")
        return
    flow.table(["队列", "取号", "已叫", "平均等候", "90%等候", "最长", "过号", "优先已办", "预约"],
               [[f"{q.prefix} {q.name}".strip(), str(q.tickets), str(q.called), f"{q.mean_wait:.0f}分",
                 f"{q.p90_wait:.0f}分", f"{q.longest_wait:.0f}分", str(q.no_shows), str(q.priority_served),
                 str(q.appointments)] for q in report.queues],
               [1.6, 0.6, 0.6, 0.9, 0.9, 0.7, 0.6, 1.1, 0.8])
    flow.add([_hbar_unit(flow, [f"{q.prefix} {q.name}".strip() for q in report.queues],
                         [round(q.mean_wait) for q in report.queues], caption="平均等候（分钟）")])
    flow.para("优先已办：绿色通道与预约签到的号办结数；等候：取号至首次叫号。", flow.paper.small, gray=0.3)
    if report.by_hour:
        flow.para("各时段取号数", flow.paper.small, gray=0.3)
        flow.add([_chart_unit(flow, [f"{h}时" for h, _, _ in report.by_hour], [n for _, n, _ in report.by_hour])])
        flow.table(["时段", "取号", "平均等候（分钟）"],
                   [[f"{h:02d}:00—{h + 1:02d}:00", str(n), f"{m:.1f}"] for h, n, m in report.by_hour], [2, 1, 2])
    if report.windows_handling:
        flow.table(["窗口", "已办号数", "平均办理（分钟）", "90%办理（分钟）"],
                   [[f"{w}号窗口", str(n), f"{m:.1f}", f"{p:.1f}"] for w, n, m, p in report.windows_handling],
                   [1.5, 1, 1.5, 1.5])


def _hbar_unit(flow: Flow, labels: list[str], values: list[int], caption: str = "") -> Unit:
    """A horizontal bar chart (long Chinese labels read left of their bars, one row each)."""
    row = 14.0
    label_width = min(max((len(label) for label in labels), default=4), 16) * 7.5 + 8
    height = row * len(labels) + (34 if caption else 24)
    width = flow.width
    drawing = Drawing(width, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = label_width, 18  # type: ignore[assignment]  # reportlab takes any number; its stubs say int
    chart.width, chart.height = width - label_width - 30, row * len(labels)  # type: ignore[assignment]  # as above
    chart.data = [list(reversed(values))]  # the first label on top
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(max(values, default=0), 1) * 1.15
    chart.valueAxis.labels.fontName = flow.font
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = [label if len(label) <= 16 else label[:15] + "…"
                                        for label in reversed(labels)]
    chart.categoryAxis.labels.fontName = flow.font
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = flow.font
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 3
    chart.bars[0].fillColor = _gray(0.55)
    drawing.add(chart)
    if caption:
        drawing.add(String(label_width, height - 10, caption, fontName=flow.font, fontSize=7))

    def draw(c: Canvas, left: float, top: float) -> None:
        renderPDF.draw(drawing, c, left, top - height)

    return Unit(height + 6, draw)


def _chart_unit(flow: Flow, labels: list[str], values: list[int]) -> Unit:
    """A vertical bar chart as one layout unit (reportlab graphics)."""
    width, height = flow.width, 150.0
    drawing = Drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30, 30, width - 40, height - 45  # type: ignore[assignment]  # as above
    chart.data = [values]
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueMax = max(max(values, default=0), 1) * 1.15
    chart.valueAxis.labels.fontName = flow.font
    chart.valueAxis.labels.fontSize = 7
    chart.categoryAxis.categoryNames = [label[:10] for label in labels]
    chart.categoryAxis.labels.fontName = flow.font
    chart.categoryAxis.labels.fontSize = 7
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = flow.font
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    chart.bars[0].fillColor = _gray(0.55)
    drawing.add(chart)

    def draw(c: Canvas, left: float, top: float) -> None:
        renderPDF.draw(drawing, c, left, top - height)

    return Unit(height + 6, draw)


def _gray(level: float) -> Color:
    return Color(level, level, level)
