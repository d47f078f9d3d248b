"""``render(kind, data, paper, settings) -> bytes``: one document as a PDF.

Rendering is deterministic (reportlab's invariant mode): the same data gives
the same bytes, so the sha256 recorded in the store identifies the paper.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo

from clerk.config import Settings, get_settings
from clerk.printing import intake_docs, pledge_docs, result_docs
from clerk.printing.data import ManifestData, NoticeData, NoticeKind, PrintError
from clerk.printing.fonts import choose_font
from clerk.printing.layout import Flow, Paper, Unit, paper_for
from clerk.printing.parts import Doc, draw_pages, zone

#: the builder of each notice kind (the manifest, with its own data, is built by ``result_docs.manifest``)
BUILDERS: dict[NoticeKind, Callable[[Doc, NoticeData], None]] = {
    NoticeKind.PROMISED: intake_docs.promised,
    NoticeKind.ON_THE_SPOT: intake_docs.on_the_spot,
    NoticeKind.ONE_TIME: intake_docs.one_time,
    NoticeKind.COMMITMENT: intake_docs.commitment,
    NoticeKind.REJECTION: intake_docs.rejection,
    NoticeKind.RESULT_READY: result_docs.result_ready,
    NoticeKind.RESULT_CORRECTION: result_docs.result_correction,
    NoticeKind.RESULT_REFUSED: result_docs.result_refused,
    NoticeKind.PLEDGE: pledge_docs.pledge,
    NoticeKind.REVOCATION: pledge_docs.revocation,
}


def render(kind: NoticeKind | str, data: NoticeData | ManifestData, paper: str | None = None,
           settings: Settings | None = None) -> bytes:
    """Render one document; ``paper`` is a4 | a5 | roll (default ``Settings.paper``)."""
    if settings is None:
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
    flow = _layout(kind, data, paper_for(paper or settings.paper), font.name, tz, settings.progress_url)
    number = data.number if isinstance(data, ManifestData) else data.case_number
    reprint_note = ""
    if data.reprint:
        moment = data.reprinted_at
        reprint_note = f"补打 {moment.astimezone(tz):%Y-%m-%d %H:%M}" if moment else "补打"
    return draw_pages(flow, number=number, title=kind.title, author=data.hall.name, reprint_note=reprint_note)


def _layout(kind: NoticeKind, data: NoticeData | ManifestData, paper: Paper, font: str, tz: tzinfo,
            progress_url: str = "") -> Flow:
    """Build the document; on paper, tighten it when that saves a page.

    A notice whose last page holds only a little (a stray row and the seal)
    is built again with tighter leading and tables; the version with the
    fewest pages wins (the loosest one on a tie).  Pages forced by a page
    break (the second copy of a commitment or a pledge) are never "saved".
    """
    best: tuple[int, Flow] | None = None
    for tight in (0, 1, 2):
        flow = Flow(paper, font, tight)
        doc = Doc(flow, data, tz, progress_url)
        if isinstance(data, ManifestData):
            result_docs.manifest(doc, data)
        else:
            BUILDERS[kind](doc, data)
        if paper.height is None:
            return flow
        pages = flow.paginate()
        if best is None or len(pages) < best[0]:
            best = (len(pages), flow)
        if len(pages) <= flow.forced_pages() or _last_page_share(flow, pages) > 0.4:
            break
    assert best is not None  # the loop ran
    return best[1]


def _last_page_share(flow: Flow, pages: list[list[tuple[float, Unit]]]) -> float:
    last = pages[-1]
    used = last[-1][0] + last[-1][1].height if last else 0.0
    return used / flow.body_height()
