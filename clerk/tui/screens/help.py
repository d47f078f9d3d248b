"""The key map, as this hall has it (after ``[keymap]`` remaps)."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.dom import DOMNode
from textual.widgets import DataTable, Static

from clerk.tui.board import BoardApp
from clerk.tui.commands import key_display
from clerk.tui.kiosk import CheckInScreen, KioskApp, TicketShown
from clerk.tui.navigation import NavigateScreen
from clerk.tui.plain import cells
from clerk.tui.screen import ClerkModal
from clerk.tui.screens.appointments import AppointmentsScreen
from clerk.tui.screens.complaints import ComplaintsScreen
from clerk.tui.screens.dashboard import DashboardScreen
from clerk.tui.screens.decision import DecisionScreen
from clerk.tui.screens.fallback import FallbackMaterials, FallbackScreen
from clerk.tui.screens.finish import ConfirmScreen
from clerk.tui.screens.intake import IntakeScreen
from clerk.tui.screens.lookup import LookupScreen
from clerk.tui.screens.mail import MailScreen
from clerk.tui.screens.pages import PagesScreen
from clerk.tui.screens.queue_figures import QueueFiguresScreen
from clerk.tui.screens.rating import RatingScreen
from clerk.tui.screens.signin import SignInScreen
from clerk.tui.screens.verification import VerificationScreen
from clerk.tui.widgets.checklist import ChecklistTable
from clerk.tui.widgets.footer import KeyFooter


def key_map_rows(keymap: dict[str, str], app_class: type[DOMNode]) -> list[tuple[str, str, str, str]]:
    """(where, key, action, binding id) for every clerk binding."""
    places: list[tuple[str, type[DOMNode]]] = [
        ("全局", app_class),
        ("切换", NavigateScreen),
        ("登录", SignInScreen),
        ("受理", IntakeScreen),
        ("材料清单", ChecklistTable),
        ("扫描页", PagesScreen),
        ("查询", LookupScreen),
        ("对话框", ConfirmScreen),
        ("兜底窗口", FallbackScreen),
        ("兜底材料", FallbackMaterials),
        ("后台结果录入", DecisionScreen),
        ("告知承诺核查", VerificationScreen),
        ("EMS邮件", MailScreen),
        ("好差评", RatingScreen),
        ("管理看板", DashboardScreen),
        ("诉求窗口", ComplaintsScreen),
        ("预约", AppointmentsScreen),
        ("排队叫号", QueueFiguresScreen),
        # the hall's own apps (clerk kiosk, clerk board) read the same [keymap] table
        ("取号机", KioskApp),
        ("取号机", CheckInScreen),
        ("取号机", TicketShown),
        ("叫号屏", BoardApp),
    ]
    rows = []
    for where, cls in places:
        listed: set[str] = set()  # one row per id and place (ConfirmScreen's F10 has two labels, one shown at a time)
        for b in cls.BINDINGS:
            if isinstance(b, Binding) and b.id and b.id not in listed:
                listed.add(b.id)
                rows.append((where, key_display(keymap.get(b.id, b.key)), b.description, b.id))
    return rows


class HelpScreen(ClerkModal[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > Vertical { width: 100; max-width: 100%; height: 30; max-height: 100%;
                            border: thick $primary; background: $surface; }
    HelpScreen #help-title { height: auto; padding: 0 1; background: $boost; }
    HelpScreen DataTable { height: 1fr; }
    """
    BINDINGS = [
        Binding("escape,f1", "close", "返回", id="help.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("按键一览 —— F12 切换到其他界面；ctrl+p 搜索全部操作；大厅可在配置文件的 [keymap] 表中按"
                         "“编号 = 按键”重新指定", id="help-title", markup=False)
            table: DataTable[Text] = DataTable(cursor_type="row", zebra_stripes=True)
            table.add_columns("位置", "按键", "操作", "编号")

            table.add_rows(cells(*row) for row in key_map_rows(self.app.keymap, type(self.app)))  # keys: a config file
            yield table
        yield KeyFooter()

    def action_close(self) -> None:
        self.dismiss()
