"""The Textual apps of clerk (window, kiosk, board, dashboard) on top of the UI-free core.

Each module that defines an app applies ``clerk.tui.cjk.keep_wide_characters()``; this package
itself imports nothing, so that UI-free parts of it (``clerk.tui.saving``) load no Textual.
"""
