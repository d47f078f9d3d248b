"""The one text rule at the other doors: the config file and the environment, queue names,
complaint categories, holiday files, the search synonyms and a window's pause reason.
Each refusal is one line naming the field, the character (U+XXXX) and, for a file, FILE:LINE."""

from __future__ import annotations

import os

import pytest

from clerk.config import ConfigError, load_settings


def _config(tmp_path, text: str):
    path = tmp_path / "clerk.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize("value, code", [("示范\\u202e中心", "U+202E"), ("示范\\u0085中心", "U+0085"),
                                         ("示范\\u2028中心", "U+2028"), ("示范\\ufeff中心", "U+FEFF"),
                                         ("示范\\U000E0041中心", "U+E0041")],
                         ids=["RLO", "NEL", "LS", "BOM", "TAG-A"])
def test_config_file_values_name_file_line_and_character(tmp_path, value, code):
    path = _config(tmp_path, f'window = 3\n\n[hall]\ncode = "LC"\nname = "{value}"\n')
    with pytest.raises(ConfigError) as refused:
        load_settings({"CLERK_CONFIG": str(path)})
    message = str(refused.value)
    assert f"设置 hall.name" in message and f"{path}:5" in message and code in message and "\n" not in message
    assert chr(int(code[2:], 16)) not in message


def test_environment_values_and_keymap_name_the_character(tmp_path):
    with pytest.raises(ConfigError, match=r"CLERK_SCANNER_PREFIX.*U\+200E"):
        load_settings({"CLERK_CONFIG": os.devnull, "CLERK_HOME": str(tmp_path), "CLERK_SCANNER_PREFIX": "#\u200e"})
    path = _config(tmp_path, '[keymap]\nintake_save = "f10\\u202e"\n')
    with pytest.raises(ConfigError, match=rf"{path}:2.*U\+202E"):
        load_settings({"CLERK_CONFIG": str(path), "CLERK_HOME": str(tmp_path)})


def test_queue_names_and_departments_name_the_line_of_their_queue(tmp_path):
    path = _config(tmp_path, '[[queues]]\nprefix = "A"\nname = "综合受理"\n\n'
                             '[[queues]]\nprefix = "B"\nname = "不动\\u2029产"\n')
    with pytest.raises(ConfigError) as refused:
        load_settings({"CLERK_CONFIG": str(path), "CLERK_HOME": str(tmp_path)})
    assert str(refused.value) == f"配置文件 {path}:7：name（队列名称）含有段分隔符（U+2029），请删除后重新输入"
    path = _config(tmp_path, '[[queues]]\nprefix = "A"\nname = "综合受理"\ndepartments = ["区\\u200f医保局"]\n')
    with pytest.raises(ConfigError, match=rf"{path}:4：departments 中的一项含有改变文字方向的不可见字符（U\+200F）"):
        load_settings({"CLERK_CONFIG": str(path), "CLERK_HOME": str(tmp_path)})


def test_complaint_categories_from_the_config_and_from_a_file(tmp_path):
    from clerk.complaint_categories import CategoryError, load_categories

    path = _config(tmp_path, '[complaints.categories]\n"办不了" = 5\n"很难\\u202e办" = 10\n')
    with pytest.raises(ConfigError, match=rf"{path}:3：诉求类别名称含有改变文字方向的不可见字符（U\+202E）"):
        load_settings({"CLERK_CONFIG": str(path), "CLERK_HOME": str(tmp_path)})
    hinted = tmp_path / "complaints.toml"
    hinted.write_text('[complaints.categories]\n"办不了" = { days = 5, hint = "请\\u001b[2J说明" }\n', encoding="utf-8")
    with pytest.raises(CategoryError, match=rf"{hinted}:2：诉求类别“办不了”的提示 hint含有不可见的控制字符（U\+001B）"):
        load_categories(hinted)


def test_holiday_files_name_the_line(tmp_path):
    from clerk.calendar.yearfile import CalendarError, load_year_file

    path = tmp_path / "2031.toml"
    path.write_text('year = 2031\nsource = "国办发明电〔2030〕1号\\u2028"\n\n'
                    '[[holidays]]\nname = "春\\u202e节"\nfrom = 2031-01-22\nto = 2031-01-28\n', encoding="utf-8")
    with pytest.raises(CalendarError) as refused:
        load_year_file(path)
    shown = [str(p) for p in refused.value.problems]
    assert "2031.toml:2: source（来源）含有行分隔符（U+2028），请删除后重新输入" in shown
    assert "2031.toml:5: 第1个 [[holidays]]：name（节日名称）含有改变文字方向的不可见字符（U+202E），请删除后重新输入" in shown


def test_synonym_words_name_the_line(tmp_path):
    from clerk.catalog.normalise import SynonymError, load_synonyms

    path = tmp_path / "search-synonyms.toml"
    path.write_text('[[same]]\nwords = ["医保", "医疗保险"]\n\n[[same]]\nwords = ["社保", "社会\\ufeff保险"]\n\n'
                    '[leads_to]\n"开店" = ["开餐馆"]\n', encoding="utf-8")
    with pytest.raises(SynonymError) as refused:
        load_synonyms(path)
    assert str(refused.value) == f"{path}:5: 第 2 个 [[same]] 的词含有不可见的格式字符（U+FEFF），请删除后重新输入"
    path.write_text('[leads_to]\n"开店" = ["开餐馆"]\n"上\\u200e户口" = ["出生登记"]\n', encoding="utf-8")
    with pytest.raises(SynonymError, match=rf"{path}:3: leads_to 中的词含有改变文字方向的不可见字符（U\+200E）"):
        load_synonyms(path)


@pytest.mark.parametrize("reason, code", [("午\u202e餐", "U+202E"), ("午\n餐", "U+000A"), ("午\x85餐", "U+0085")],
                         ids=["RLO", "LF", "NEL"])
def test_a_pause_reason_is_held_to_the_rule(store, catalog, clock, cheap_password_hashing, hall_key_file, tmp_path,
                                            reason, code):
    from clerk.config import Settings
    from clerk.domain.accounts import Role
    from clerk.domain.queueing import TicketError
    from clerk.services.accounts import AccountService
    from clerk.services.tickets import TicketService

    settings = Settings.defaults(home=tmp_path, receipts_dir=tmp_path / "receipts", key_file=hall_key_file)
    tickets = TicketService(store, settings, catalog, clock)
    clerk = AccountService(store, clock).add(None, "1001", "王小明", Role.WINDOW, "secret1")
    with pytest.raises(TicketError, match=f"暂停原因含有.*{code.replace('+', '[+]')}"):
        tickets.pause(clerk, 7, reason)
    with pytest.raises(TicketError, match="暂停原因过长：最多 100 个字"):
        tickets.pause(clerk, 7, "因" * 101)
    assert tickets.board().paused == []
