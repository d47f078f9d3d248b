"""The one text rule (clerk.characters): which characters any door refuses, and how it says so."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clerk.characters import REFUSED_CATEGORIES, refusal, refused, terminal_safe
from clerk.identity.text import NAME_MAX, check_text, printable

# What the issue found stored through other doors, and their neighbours.
HIDDEN = {
    "\x1b": "ESC", "\x00": "NUL", "\x7f": "DEL", "\x85": "NEL", "\n": "LF", "\r": "CR", "\t": "TAB",
    "\u202e": "RLO", "\u202a": "LRE", "\u2066": "LRI", "\u2069": "PDI", "\u200e": "LRM", "\u200f": "RLM",
    "\u061c": "ALM", "\ufeff": "BOM", "\u200b": "ZWSP", "\u200d": "ZWJ", "\u00ad": "SHY",
    "\U000e0041": "TAG-A", "\U000e007f": "CANCEL-TAG", "\u2028": "LS", "\u2029": "PS",
    "\ue000": "private-use", "\U000f0000": "plane-15-private-use", "\ud800": "surrogate",
    "\u0378": "unassigned", "\U000e0080": "unassigned-plane-14", "\U0002fffe": "plane-2-noncharacter",
    "\U0003ffff": "plane-3-noncharacter", "\ufffe": "noncharacter",
}


@pytest.mark.parametrize("ch", list(HIDDEN), ids=list(HIDDEN.values()))
def test_hidden_characters_are_refused_naming_field_and_code_point(ch):
    reason = refusal("姓名", f"张{ch}三", NAME_MAX)
    assert reason is not None and reason.startswith("姓名含有") and f"U+{ord(ch):04X}" in reason
    assert ch not in reason and "\n" not in reason  # one line, never the character itself


@given(st.characters(codec=None, categories=sorted(REFUSED_CATEGORIES)))
def test_every_character_of_a_refused_category_is_refused_outside_the_cjk_planes(ch):
    in_cjk_planes = 0x20000 <= ord(ch) <= 0x3FFFF and unicodedata.category(ch) == "Cn" and ord(ch) & 0xFFFE != 0xFFFE
    assert refused(ch) is not in_cjk_planes
    assert (refusal("地址", f"a{ch}b") is None) is in_cjk_planes


@given(st.text(st.characters(exclude_categories=sorted(REFUSED_CATEGORIES)), max_size=NAME_MAX))
def test_text_of_visible_characters_is_accepted(value):
    assert check_text(value, "申请人名称", NAME_MAX).ok
    assert terminal_safe(value) == value == printable(value, None)


@pytest.mark.parametrize("name", ["王𪚥", "李\U00031350", "赵\U0002ebf0", "钱\U0002fffd", "孙\U00033479", "郑🙂🇨🇳",
                                  "Zoë O'Brien-Łukasz", "阿依古丽·买买提", "李　四", "ｗｓｘｋ"])
def test_real_names_pass_including_newer_cjk_extensions(name):
    """A CJK extension newer than this Python's Unicode tables (planes 2–3) is a real name."""
    assert refusal("姓名", name, NAME_MAX) is None


def test_multi_line_fields_allow_lf_and_nothing_else():
    assert refusal("备注", "第一行\n第二行", 100, multiline=True) is None
    for ch in "\r\x85\u2028\u2029\x0b\x0c":
        assert f"U+{ord(ch):04X}" in refusal("备注", f"第一行{ch}第二行", 100, multiline=True)
    assert "U+000A" in refusal("备注", "第一行\n第二行", 100)


def test_length_is_counted_in_characters():
    assert refusal("工号", "1" * 32, 32) is None
    assert refusal("姓名", "名" * 5000, 64) == "姓名过长：最多 64 个字，当前 5000 个字"


def test_shown_safely_on_a_terminal():
    assert terminal_safe("张\x1b[2J三\u202e四") == "张␛[2J三<U+202E>四"
    assert terminal_safe("a\tb\nc", keep="\t\n") == "a\tb\nc"
    assert printable("a\x1b[2Jb\x00c\u202ed\u2028e") == "a␛[2Jb␀c\ufffdd\ufffde"  # one for one
