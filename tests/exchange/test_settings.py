"""The ``[exchange]`` table: checked with everything else, with the file and line of a bad value."""

from __future__ import annotations

import pytest

from clerk.config import ConfigError, load_settings


def settings_of(tmp_path, text):
    config = tmp_path / "clerk.toml"
    config.write_text(text, "utf-8")
    return load_settings({"CLERK_CONFIG": str(config), "CLERK_HOME": str(tmp_path / "home")})


def test_the_exchange_settings_and_their_defaults(tmp_path):
    settings = settings_of(tmp_path, '[exchange]\nhall_id = "370171-高新区政务服务中心"\n')
    assert settings.exchange.hall_id == "370171-高新区政务服务中心"
    assert settings.exchange_key_file == tmp_path / "home" / "exchange" / "sm2-private.key"
    assert settings.exchange_trusted_keys == tmp_path / "home" / "exchange" / "trusted"
    chosen = settings_of(tmp_path, f'[exchange]\nkey_file = "{tmp_path / "k.key"}"\ntrusted_keys = "{tmp_path / "t"}"\n')
    assert (chosen.exchange_key_file, chosen.exchange_trusted_keys) == (tmp_path / "k.key", tmp_path / "t")
    assert chosen.exchange.hall_id == ""


@pytest.mark.parametrize("hall_id", ["高新区", "37017-高新区", "370171 高新区", "370171-高新/区", "070171-高新区"])
def test_a_hall_id_that_is_not_one_is_refused_with_where_it_was_set(tmp_path, hall_id):
    with pytest.raises(ConfigError) as caught:
        settings_of(tmp_path, f'window = 3\n\n[exchange]\nhall_id = "{hall_id}"\n')
    said = str(caught.value)
    assert said.startswith("设置 exchange.hall_id 的值") and "clerk.toml:4" in said
    assert "应为6位行政区划代码、“-”和大厅名称" in said


def test_an_unknown_exchange_setting_is_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"\[exchange\] 中有未知的设置 \['hall'\]（可用：hall_id、key_file、trusted_keys）"):
        settings_of(tmp_path, '[exchange]\nhall = "x"\n')


def test_a_hall_without_an_id_exchanges_nothing(tmp_path):
    from clerk.exchange.errors import ExchangeError
    from clerk.exchange.service import ExchangeService

    with pytest.raises(ExchangeError, match=r"请在配置文件的 \[exchange\] 中设置 hall_id"):
        ExchangeService(None, "", "示范区政务服务中心", tmp_path / "k.key", tmp_path / "trusted")
