"""Integration points the lead wires to the case service and the store.

These are the only places where printing meets a case: everything else in
``clerk.printing`` works on the plain ``NoticeData`` / ``ManifestData``.
"""

from __future__ import annotations

from clerk.config import Settings
from clerk.printing.data import NoticeData, NoticeKind, PrintError


class NotConnected(PrintError):
    """An integration point that is not wired yet."""


def notice_data_from_case(case_view, settings: Settings) -> NoticeData:
    """Build the printable data of a case from its ``CaseView``.

    INTEGRATION POINT: the case service fills every ``NoticeData`` field from
    the view (hall from ``settings.hall``; ``received_at`` aware; due date and
    ``provisional`` from ``DueDate``; received / missing (with the catalog's
    requirement text) / tolerated materials from the frozen checklist + marks;
    delivery, window, clerk; reason/decision for the result notices).
    """
    raise NotConnected("通知书数据尚未接入案件服务（notice_data_from_case 未实现）")


def reprint_from_store(case_number: str, kind: NoticeKind, settings: Settings, paper: str | None = None):
    """``clerk print CASE --kind KIND``: queue a 补打 of the notice and issue it.

    INTEGRATION POINT: open the store, ``enqueue`` a reprint (audit: 补打),
    then ``PrintQueue.issue`` it with ``printer_for(settings)``; return the
    ``PrintOutcome``.
    """
    raise NotConnected("补打功能尚未接入案件库：请在窗口程序中补打，或使用 clerk print --sample 打印测试页")
