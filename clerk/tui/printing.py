"""Printing a case's queued notices from the window.

A thin adapter: the case service's notice queue (``clerk.store.notices``)
presented as the ``NoticeStore`` that ``clerk.printing.queue.PrintQueue``
works, restricted to one case.  Data for each document comes from
``clerk.printing.integration.notice_data_from_case``.  Imported only inside
print workers (reportlab).
"""

from __future__ import annotations

from typing import Any

#: store notice kind (clerk.store.notices) → printing document kind (clerk.printing.data)
PRINT_KIND = {
    "acceptance": "promised",
    "on_the_spot": "on-the-spot",
    "one_time": "one-time",
    "tolerance_commitment": "commitment",
    "rejection": "rejection",
    "result_approved": "result-ready",
    "result_correction": "result-correction",
    "result_refused": "result-refused",
    "manifest": "manifest",
}


class CaseNotices:
    """``NoticeStore`` over the case service, for the notices of one case."""

    def __init__(self, cases: Any, number: str, user: Any = None, window: int | None = None) -> None:
        self.cases, self.number, self.user, self.window = cases, number, user, window

    def pending(self) -> list[Any]:
        from clerk.printing.data import NoticeKind
        from clerk.printing.queue import QueuedNotice

        view = self.cases.get(self.number)
        return [
            QueuedNotice(n.id, self.number, NoticeKind(PRINT_KIND[str(n.kind)]), n.is_reprint, n.attempts, n.reason)
            for n in view.notices
            if str(n.status) != "printed"
        ]

    def mark_printed(self, notice_id: Any, path: str, sha256: str) -> None:
        self.cases.mark_printed(notice_id, path=path, sha256=sha256, user=self.user, window=self.window)

    def mark_failed(self, notice_id: Any, reason: str) -> None:
        self.cases.mark_failed(notice_id, reason)


class WindowPrinter:
    """Issues the queued notices of a case on this window's printer."""

    def __init__(self, settings: Any, printer: Any = None) -> None:
        from clerk.printing.printers import printer_for

        self.settings = settings
        self.device = printer or printer_for(settings)

    def print_case(self, cases: Any, number: str, user: Any = None, window: int | None = None) -> list[Any]:
        from clerk.printing.integration import notice_data_from_case
        from clerk.printing.queue import PrintQueue

        def load(notice: Any) -> Any:
            return notice_data_from_case(cases.get(notice.case_number), self.settings)

        store = CaseNotices(cases, number, user, window)
        queue = PrintQueue(store, self.device, self.settings, load, clock=cases.clock)
        return queue.run_pending()

    def reprint_case(self, cases: Any, number: str, user: Any, window: int) -> list[Any]:
        """Queue a 补打 of every notice the case was issued, then print them."""
        from clerk.store.notices import NoticeKind

        view = cases.get(number)
        kinds = list(dict.fromkeys(NoticeKind(str(n.kind)) for n in view.notices if not n.is_reprint))
        for kind in kinds:
            cases.reprint(user, window, number, kind)
        return self.print_case(cases, number, user, window)


def describe(results: list[Any]) -> str:
    """One Chinese sentence on what the printer did."""
    if not results:
        return "没有待打印的通知书"
    done = [r for r in results if r.ok]
    failed = [r for r in results if not r.ok]
    parts = []
    if done:
        parts.append("已打印：" + "、".join(r.notice.kind.title for r in done))
    if failed:
        parts.append("未能打印：" + "；".join(f"{r.notice.kind.title}（{r.reason}）" for r in failed))
    return "；".join(parts) + ("。可在查询（F5）中按 F9 重打" if failed else "")
