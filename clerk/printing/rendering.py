"""``render(kind, data, paper, settings) -> bytes``: one document as a PDF.

Rendering is deterministic (reportlab's invariant mode): the same data gives
the same bytes, so the sha256 recorded in the store identifies the paper.
"""

from __future__ import annotations

from clerk.config import Settings
from clerk.printing import intake_docs, result_docs
from clerk.printing.data import ManifestData, NoticeData, NoticeKind, PrintError
from clerk.printing.fonts import choose_font
from clerk.printing.layout import Flow, paper_for
from clerk.printing.parts import Doc, draw_pages, zone

BUILDERS = {
    NoticeKind.PROMISED: intake_docs.promised,
    NoticeKind.ON_THE_SPOT: intake_docs.on_the_spot,
    NoticeKind.ONE_TIME: intake_docs.one_time,
    NoticeKind.COMMITMENT: intake_docs.commitment,
    NoticeKind.REJECTION: intake_docs.rejection,
    NoticeKind.RESULT_READY: result_docs.result_ready,
    NoticeKind.RESULT_CORRECTION: result_docs.result_correction,
    NoticeKind.RESULT_REFUSED: result_docs.result_refused,
    NoticeKind.MANIFEST: result_docs.manifest,
}


def render(kind: NoticeKind | str, data: NoticeData | ManifestData, paper: str | None = None,
           settings: Settings | None = None) -> bytes:
    """Render one document; ``paper`` is a4 | a5 | roll (default ``Settings.paper``)."""
    if settings is None:
        from clerk.config import get_settings

        settings = get_settings()
    try:
        kind = NoticeKind(kind)
    except ValueError:
        raise PrintError(f"未知的通知书类型：{kind}") from None
    is_manifest = kind is NoticeKind.MANIFEST
    if is_manifest != isinstance(data, ManifestData):
        raise PrintError(f"{kind.title}的数据类型不符")
    font = choose_font(settings.font_path)
    tz = zone(settings.timezone)
    flow = Flow(paper_for(paper or settings.paper), font.name)
    BUILDERS[kind](Doc(flow, data, tz), data)
    number = data.number if is_manifest else data.case_number
    reprint_note = ""
    if data.reprint:
        moment = data.reprinted_at
        reprint_note = f"补打 {moment.astimezone(tz):%Y-%m-%d %H:%M}" if moment else "补打"
    return draw_pages(flow, number=number, title=kind.title, author=data.hall.name, reprint_note=reprint_note)
