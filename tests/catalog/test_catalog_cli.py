"""`clerk catalog check` and `clerk catalog search` through the real entry point."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from clerk.cli import main

HALL = Path(__file__).parent / "fixtures" / "hall"


@pytest.fixture
def settings_catalog(monkeypatch):
    """Point Settings.catalog_dir somewhere and make get_settings() re-read it."""
    from clerk.config import get_settings

    def point(path):
        monkeypatch.setenv("CLERK_CATALOG_DIR", str(path))
        monkeypatch.setenv("CLERK_CONFIG", os.devnull)
        get_settings.cache_clear()

    yield point
    get_settings.cache_clear()


def test_check_passes_on_a_good_catalog(capsys, hall):
    assert main(["catalog", "check", str(HALL)]) == 0
    out = capsys.readouterr().out
    assert out == f"目录检查通过：9 个事项，2 个一件事，版本 {hall.version[:8]}\n"


def test_check_lists_every_problem_and_fails(capsys, hall_copy):
    (hall_copy / "40-bad.yaml").write_text(
        "items:\n  - code: \"370112-HJ-001\"\n    nmae: 打错了\n", encoding="utf-8"
    )
    assert main(["catalog", "check", str(hall_copy)]) == 1
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    bad = hall_copy / "40-bad.yaml"
    assert f"{bad}:2: 编码 370112-HJ-001 重复（首次定义于 {hall_copy / '30-newborn.yaml'}:2）" in lines
    assert f"{bad}:3: 事项中有未知字段 nmae（允许的字段：aliases、code、commitment、delivery、department、fee、item_type、kind、materials、name、phone、promised_days、promised_unit、result、situations、statutory_days、statutory_unit）" in lines
    assert all(line.startswith(f"{bad}:") for line in lines)
    assert f"共 {len(lines)} 个问题" in captured.err


def test_check_defaults_to_the_configured_catalog_dir(capsys, settings_catalog):
    settings_catalog(HALL)
    assert main(["catalog", "check"]) == 0
    assert capsys.readouterr().out.startswith("目录检查通过：9 个事项，2 个一件事")


def test_search_prints_code_tab_name_and_marks_bundles(capsys, settings_catalog):
    settings_catalog(HALL)
    assert main(["catalog", "search", "wsxk"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert sorted(out) == ["370112-GGWS-001\t公共场所卫生许可（新办）", "370112-GGWS-002\t公共场所卫生许可证注销"]
    assert main(["catalog", "search", "yjs", "--limit", "1", "--catalog", str(HALL)]) == 0
    assert capsys.readouterr().out == 'YJS-KCG\t开餐馆"一件事"\t[一件事]\n'


def test_search_without_hits_or_on_a_broken_catalog_fails(capsys, tmp_path):
    assert main(["catalog", "search", "zzzz", "--catalog", str(HALL)]) == 1
    assert "没有找到与「zzzz」匹配的事项" in capsys.readouterr().err
    assert main(["catalog", "search", "wsxk", "--catalog", str(tmp_path)]) == 1
    assert "请先运行 clerk catalog check" in capsys.readouterr().err
