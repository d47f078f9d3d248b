"""The binding ids a hall may remap in the ``[keymap]`` table of the config file.

UI-free, so that ``clerk.config`` can refuse an unknown id at start (a typo such as
``"clerk.finish"`` would otherwise leave the key unchanged without a word).  The TUI defines
the bindings themselves; tests/tui/test_keys.py checks that this list is exactly the ids of
the bindings the F1 key map lists (``clerk.tui.screens.help.key_map_rows``).
"""

from __future__ import annotations

import difflib

BINDING_IDS: frozenset[str] = frozenset({
    "appointments.add", "appointments.back", "appointments.cancel", "appointments.next_day",
    "appointments.previous_day",
    "board.quit",
    "checklist.all_received", "checklist.capture", "checklist.copy", "checklist.fewer_copies", "checklist.missing",
    "checklist.more_copies", "checklist.not_applicable", "checklist.note", "checklist.original",
    "checklist.pages", "checklist.pledge", "checklist.tolerated",
    "clerk.go_appointments", "clerk.go_complaints", "clerk.go_dashboard", "clerk.go_decision",
    "clerk.go_fallback", "clerk.go_intake", "clerk.go_mail", "clerk.go_rating", "clerk.go_verification", "clerk.help",
    "clerk.history", "clerk.lookup", "clerk.navigate", "clerk.palette", "clerk.quit", "clerk.sign_out",
    "complaints.back", "complaints.hand_off", "complaints.log", "complaints.reply",
    "complaints.visit_bad", "complaints.visit_ok",
    "dashboard.back", "dashboard.complaints", "dashboard.drill", "dashboard.queues", "dashboard.refresh",
    "decision.back", "decision.save", "decision.scan", "decision.scans",
    "dialog.cancel", "dialog.confirm",
    "fallback.back", "fallback.capture", "fallback.file", "fallback.materials", "fallback.pages", "fallback.pickup",
    "fallback.refresh", "fallback.reject", "fallback.save", "fallback.scan", "fallback.scans", "fallback.tolerate",
    "intake.applicant", "intake.call_next", "intake.caller", "intake.checklist", "intake.finish",
    "intake.new", "intake.recall", "intake.search", "intake.take_applicant",
    "kiosk.check_in", "kiosk.checkin_cancel", "kiosk.clear", "kiosk.id", "kiosk.lane", "kiosk.quit",
    "kiosk.search", "kiosk.ticket_close",
    "lookup.back", "lookup.open", "lookup.query", "lookup.reprint", "lookup.scans",
    "mail.back", "mail.deliver", "mail.export", "mail.manifest", "mail.refresh", "mail.requeue",
    "mail.next", "mail.previous", "mail.return", "mail.waybill",
    "navigate.close",
    "pages.capture", "pages.close", "pages.file", "pages.remove", "pages.retake",
    "queue_figures.back", "queue_figures.refresh",
    "rating.back", "rating.refresh", "rating.resolve", "rating.save",
    "verification.back", "verification.department", "verification.false", "verification.refresh",
    "verification.true", "verification.unverifiable",
    "signin.confirm",
})


def unknown_id_hint(binding_id: str) -> str:
    """Why ``binding_id`` is refused, with the nearest ids or those of its screen (Chinese)."""
    close = difflib.get_close_matches(binding_id, sorted(BINDING_IDS), n=3, cutoff=0.6)
    prefix = binding_id.partition(".")[0]
    same = sorted(i for i in BINDING_IDS if i.partition(".")[0] == prefix)
    hint = f"是否指 {'、'.join(close)}？" if close else ""
    if same:
        hint += f"{prefix}.* 的编号有：{'、'.join(same)}；"
    else:
        screens = sorted({i.partition('.')[0] for i in BINDING_IDS})
        hint += f"编号以 {'、'.join(s + '.' for s in screens)} 开头；"
    return f"不是可设置按键的操作编号，{hint}全部编号见窗口 F1 帮助的按键一览"
