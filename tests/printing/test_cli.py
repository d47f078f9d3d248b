"""``clerk print``: test pages from demo data, the reprint hook."""

from __future__ import annotations

import pytest

from clerk.cli import main
from tests.printing.conftest import barcodes, pdf_pages, pdf_text
from tests.support.cli import one_clear_line, run


@pytest.fixture
def config(tmp_path, monkeypatch):
    toml = tmp_path / "clerk.toml"
    toml.write_text('[hall]\nname = "配置区政务服务中心"\nseal_caption = "配置受理章"\n',
                    encoding="utf-8")
    for var in ("CLERK_FONT", "CLERK_PRINTER", "CLERK_PRINT_COMMAND", "CLERK_PAPER"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("CLERK_CONFIG", str(toml))
    return tmp_path


@pytest.mark.parametrize("paper", ["a4", "a5", "roll"])
def test_sample_page_uses_the_configured_hall(config, capsys, paper):
    out = config / f"test-{paper}.pdf"
    assert main(["print", "--sample", "promised", "--format", paper, "-o", str(out)]) == 0
    pdf = out.read_bytes()
    text = pdf_text(pdf)
    assert "配置区政务服务中心" in text and "配置受理章" in text
    assert barcodes(pdf) == ["SF20261218-0042"]
    assert "已生成承诺件通知书测试页" in capsys.readouterr().out
    width_mm = float(pdf_pages(pdf)[0].mediabox.width) / 72 * 25.4
    assert round(width_mm) == {"a4": 210, "a5": 148, "roll": 80}[paper]


def test_sample_page_can_be_sent_to_the_printer(config, monkeypatch, capsys):
    log = config / "sent.log"
    stub = config / "stub.sh"
    stub.write_text(f'#!/bin/sh\necho "$1" >> {log}\n')
    stub.chmod(0o755)
    monkeypatch.setenv("CLERK_PRINT_COMMAND", str(stub))
    out = config / "m.pdf"
    assert main(["print", "--sample", "manifest", "-o", str(out), "--send"]) == 0
    assert log.read_text().strip() == str(out)


def test_printer_failure_is_reported_in_chinese(config, monkeypatch, capsys):
    monkeypatch.setenv("CLERK_PRINT_COMMAND", "/nonexistent/printer-stub")
    assert main(["print", "--sample", "rejection", "-o", str(config / "r.pdf"), "--send"]) == 1
    assert "错误：找不到打印命令" in capsys.readouterr().err


def test_reprint_needs_a_kind(config, capsys):
    assert main(["print", "SF20261218-0042"]) == 2
    assert "--kind" in capsys.readouterr().err


def test_font_report_names_the_shipped_font(config, capsys):
    assert main(["print", "--font"]) == 0
    out = capsys.readouterr().out
    assert "通知书字体：clerk-notice-song.ttf（随程序发布，嵌入PDF）" in out
    assert "缺字备用字体：未配置" in out


def test_font_report_warns_about_the_unembedded_cid_font(config, monkeypatch, capsys):
    monkeypatch.setenv("CLERK_FONT", "STSong-Light")
    assert main(["print", "--font"]) == 0
    assert "STSong-Light（未嵌入；" in capsys.readouterr().out


def test_send_without_a_printer_says_so_and_fails(config, capsys):
    out = config / "p.pdf"
    status, lines, _ = run(["print", "--sample", "promised", "-o", str(out), "--send"], capsys)
    line = one_clear_line(lines)
    assert status == 2
    assert "未配置打印机" in line and "printer" in line and "CLERK_PRINTER" in line
    assert str(out) in line and out.is_file()
