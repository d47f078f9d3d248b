"""The Textual apps of clerk (window, kiosk, board, dashboard) on top of the UI-free core."""

from clerk.tui.cjk import keep_wide_characters

keep_wide_characters()  # Chinese under an overlay stays whole (clerk.tui.cjk)
