"""``clerk exchange`` at two installations: keygen, trust, export and import as a signed-in clerk,
and a refusal as one clear line."""

from __future__ import annotations

import io
import stat

import pytest

from clerk.domain.intake import Outcome
from tests.support.accounts import PASSWORD
from tests.support.cli import CATALOG, one_clear_line, run
from tests.support.drafts import hygiene
from tests.support.exchange import HALL_B, Hall

pytestmark = pytest.mark.postgres


def at(monkeypatch, tmp_path, hall: Hall | None, hall_id: str, folder, code: str = "GX") -> None:
    """The next commands run as the installation of ``hall_id`` (its config file and store)."""
    from clerk.config import get_settings

    config = tmp_path / f"{code}.toml"
    config.write_text(f'[hall]\ncode = "{code}"\n\n[exchange]\nhall_id = "{hall_id}"\n'
                      f'key_file = "{folder / "sm2-private.key"}"\ntrusted_keys = "{folder / "trusted"}"\n', "utf-8")
    monkeypatch.setenv("CLERK_CONFIG", str(config))
    monkeypatch.setenv("CLERK_CATALOG_DIR", str(CATALOG))
    monkeypatch.setenv("CLERK_HOME", str(folder))
    if hall is not None:
        monkeypatch.setenv("CLERK_DATABASE_URL", hall.store.url)
    get_settings.cache_clear()


def as_clerk(monkeypatch, capsys, argv):
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    return run([*argv, "--clerk", "w01", "--password-stdin"], capsys)


def test_keygen_then_trust_then_export_and_import(two_halls, monkeypatch, tmp_path, capsys):
    a, b = two_halls
    partner = tmp_path / "partner"
    at(monkeypatch, tmp_path, None, "110105-朝阳区政务服务中心", partner, "CY")
    status, errors, out = run(["exchange", "keygen"], capsys)
    assert status == 0, errors
    key = partner / "sm2-private.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and "已生成本大厅的 SM2 密钥" in out
    offered = "\n".join(out.splitlines()[-2:]) + "\n"
    assert offered.startswith('hall_id = "110105-朝阳区政务服务中心"\npublic_key = "04')
    status, errors, again = run(["exchange", "keygen"], capsys)
    assert "已存在" in again and again.splitlines()[-2:] == out.splitlines()[-2:]  # never replaced

    at(monkeypatch, tmp_path, a, a.hall_id, a.folder)
    (tmp_path / "partner.toml").write_text(offered, "utf-8")
    status, errors, out = run(["exchange", "trust", str(tmp_path / "partner.toml")], capsys)
    assert status == 0 and "已安装 110105-朝阳区政务服务中心 的公钥" in out and "指纹" in out

    taken = a.cases.submit(a.users["window"], 3, hygiene(), Outcome.ACCEPT)
    packet = tmp_path / "out" / "case.zip"
    status, errors, out = as_clerk(monkeypatch, capsys, ["exchange", "export", taken.number, "--to", HALL_B,
                                                         "-o", str(packet)])
    assert status == 0, errors
    assert f"已导出办件：{packet}（发往 {HALL_B}" in out
    assert stat.S_IMODE(packet.stat().st_mode) == 0o600

    at(monkeypatch, tmp_path, b, b.hall_id, b.folder, "NS")
    status, errors, out = as_clerk(monkeypatch, capsys, ["exchange", "import", str(packet)])
    assert status == 0, errors
    assert f"已导入 {a.hall_id} 发来的办件" in out and "-NS-" in out and "状态“已受理”" in out
    status, errors, out = as_clerk(monkeypatch, capsys, ["exchange", "import", str(packet)])
    assert status == 1
    assert one_clear_line(errors).startswith("数据包被拒绝（重复导入校验）：数据包 ")
    status, errors, out = run(["exchange", "list"], capsys)
    assert status == 0
    first, case_line = out.splitlines()
    assert first == f"{a.hall_id}：1 件（已受理 1）"
    assert "-NS-" in case_line and f"已受理  对方收件，本大厅办理  对方编号 {taken.number}  最近：导入办件（第 1 个，" in case_line


def test_export_without_the_deciding_hall_says_so(two_halls, monkeypatch, tmp_path, capsys):
    a, b = two_halls
    at(monkeypatch, tmp_path, a, a.hall_id, a.folder)
    taken = a.cases.submit(a.users["window"], 3, hygiene(), Outcome.ACCEPT)
    status, errors, out = as_clerk(monkeypatch, capsys, ["exchange", "export", taken.number])
    assert status == 1
    assert "首次移交须指明办理地大厅（--to 大厅标识）" in one_clear_line(errors)
    assert not list(tmp_path.glob("exchange-*.zip"))
