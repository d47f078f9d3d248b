"""The hall's SM2 keys (clerk.exchange.keys): standard SM2 with SM3 (OpenSSL agrees both ways), the
library's known weaknesses covered, key files private and never replaced, trusted keys checked."""

from __future__ import annotations

import base64
import shutil
import stat
import subprocess

import pytest

from clerk.exchange.errors import ExchangeError
from clerk.exchange.keys import (
    HallKeyPair,
    install_trusted,
    parse_public_key,
    read_private_key,
    read_trusted,
    verify,
    write_private_key,
)

MESSAGE = '{"kind":"case","sender":"370171-高新区政务服务中心"}'.encode()
N = int("FFFFFFFEFFFFFFFFFFFFFFFFFFFFFFFF7203DF6B21C6052B53BBF40939D54123", 16)
#: SubjectPublicKeyInfo of an SM2 key, up to the key's 04‖x‖y (id-ecPublicKey, curve 1.2.156.10197.1.301)
SPKI_PREFIX = bytes.fromhex("3059301306072a8648ce3d020106082a811ccf5501822d034200")


def _der(signature: str) -> bytes:
    def integer(n: int) -> bytes:
        raw = n.to_bytes(n.bit_length() // 8 + 1, "big")
        return b"\x02" + bytes([len(raw)]) + raw

    body = integer(int(signature[:64], 16)) + integer(int(signature[64:], 16))
    return b"\x30" + bytes([len(body)]) + body


def _raw(der: bytes) -> str:
    values, i = [], 2
    for _ in range(2):
        length = der[i + 1]
        values.append(int.from_bytes(der[i + 2:i + 2 + length], "big"))
        i += 2 + length
    return f"{values[0]:064x}{values[1]:064x}"


needs_openssl = pytest.mark.skipif(
    shutil.which("openssl") is None
    or subprocess.run(["openssl", "genpkey", "-algorithm", "SM2"], capture_output=True).returncode != 0,
    reason="no OpenSSL with SM2")


@needs_openssl
def test_openssl_verifies_the_halls_signatures_and_the_hall_verifies_openssls(tmp_path):
    pair = HallKeyPair.generate()
    (tmp_path / "msg").write_bytes(MESSAGE)
    (tmp_path / "pub.pem").write_text("-----BEGIN PUBLIC KEY-----\n"
                                      + base64.encodebytes(SPKI_PREFIX + bytes.fromhex(pair.public_hex)).decode()
                                      + "-----END PUBLIC KEY-----\n")
    (tmp_path / "sig").write_bytes(_der(pair.sign(MESSAGE)))
    check = ["openssl", "pkeyutl", "-verify", "-pubin", "-inkey", "pub.pem", "-rawin", "-digest", "sm3",
             "-in", "msg", "-sigfile", "sig", "-pkeyopt", "distid:1234567812345678"]
    assert subprocess.run(check, cwd=tmp_path, capture_output=True).returncode == 0
    (tmp_path / "msg").write_bytes(MESSAGE + b" ")
    assert subprocess.run(check, cwd=tmp_path, capture_output=True).returncode != 0

    subprocess.run(["openssl", "genpkey", "-algorithm", "SM2", "-out", "k.pem"], cwd=tmp_path, check=True)
    subprocess.run(["openssl", "pkey", "-in", "k.pem", "-pubout", "-outform", "DER", "-out", "k.der"],
                   cwd=tmp_path, check=True)
    (tmp_path / "msg").write_bytes(MESSAGE)
    subprocess.run(["openssl", "pkeyutl", "-sign", "-inkey", "k.pem", "-rawin", "-digest", "sm3", "-in", "msg",
                    "-out", "osig", "-pkeyopt", "distid:1234567812345678"], cwd=tmp_path, check=True)
    public_xy = (tmp_path / "k.der").read_bytes()[-64:].hex()
    signature = _raw((tmp_path / "osig").read_bytes())
    assert verify(public_xy, MESSAGE, signature)
    assert not verify(public_xy, MESSAGE + b" ", signature)


def test_signatures_are_random_and_verify_only_for_their_message_and_key():
    pair, other = HallKeyPair.generate(), HallKeyPair.generate()
    first, second = pair.sign(MESSAGE), pair.sign(MESSAGE)
    assert first != second  # k is drawn afresh (from secrets) every time
    assert verify(pair.public_xy, MESSAGE, first) and verify(pair.public_xy, MESSAGE, second)
    assert not verify(other.public_xy, MESSAGE, first)
    assert not verify(pair.public_xy, MESSAGE[:-1], first)


@pytest.mark.parametrize("bad", ["", "zz" * 64, "0" * 128, f"{N:064x}" + "1" * 64, "1" * 64 + f"{N + 5:064x}",
                                 "1" * 127, "１" * 128])
def test_a_malformed_signature_is_not_valid_and_raises_nothing(bad):
    pair = HallKeyPair.generate()
    assert not verify(pair.public_xy, MESSAGE, bad)


def test_a_public_key_whose_x_starts_with_04_still_verifies():
    """gmssl's constructor takes a key starting with ``04`` for a prefixed one and strips it with
    ``lstrip``, which also eats every leading 0 and 4 of x (one key in 256 starts so)."""
    from gmssl import sm2

    pair = HallKeyPair.generate()
    while not pair.public_xy.startswith("04"):
        pair = HallKeyPair.generate()
    signature = pair.sign(MESSAGE)
    assert verify(parse_public_key(pair.public_hex), MESSAGE, signature)
    naive = sm2.CryptSM2(private_key="", public_key=pair.public_hex)
    assert naive.public_key != pair.public_xy  # what the constructor would have used instead


def test_a_public_key_not_on_the_curve_is_refused():
    xy = HallKeyPair.generate().public_xy
    bent = xy[:-1] + ("0" if xy[-1] != "0" else "1")
    with pytest.raises(ExchangeError, match="曲线上的点"):
        parse_public_key("04" + bent)
    with pytest.raises(ExchangeError, match="公钥无效"):
        parse_public_key("05" + xy)


def test_the_private_key_file_is_0600_and_never_replaced(tmp_path):
    pair = HallKeyPair.generate()
    path = tmp_path / "exchange" / "sm2-private.key"
    write_private_key(path, pair)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert read_private_key(path) == pair
    with pytest.raises(ExchangeError, match="已存在：不覆盖"):
        write_private_key(path, HallKeyPair.generate())
    assert read_private_key(path) == pair
    path.write_text("not a key\n")
    with pytest.raises(ExchangeError, match="私钥文件内容无效"):
        read_private_key(path)


def test_trusted_keys_are_checked_when_read(tmp_path):
    folder = tmp_path / "trusted"
    pair = HallKeyPair.generate()
    installed = install_trusted(folder, "440305-南山区政务服务中心", pair.public_hex, "南山")
    assert stat.S_IMODE(installed.source.stat().st_mode) == 0o600
    assert read_trusted(folder)["440305-南山区政务服务中心"].public_xy == pair.public_xy
    with pytest.raises(ExchangeError, match="已有 440305-南山区政务服务中心 的受信任公钥"):
        install_trusted(folder, "440305-南山区政务服务中心", HallKeyPair.generate().public_hex)
    (folder / "copy.toml").write_text(installed.source.read_text("utf-8"), "utf-8")
    with pytest.raises(ExchangeError, match="都是 440305-南山区政务服务中心 的公钥"):
        read_trusted(folder)
    (folder / "copy.toml").write_text('hall_id = "南山"\npublic_key = "04"\n', "utf-8")
    with pytest.raises(ExchangeError, match="copy.toml 无效：大厅标识 '南山' 无效"):
        read_trusted(folder)


def test_doctor_says_whether_the_hall_can_exchange(tmp_path):
    import os
    from dataclasses import replace

    from clerk.commands.doctor import Level, check_exchange
    from clerk.config import ExchangeSettings, Settings

    bare = Settings.defaults(home=tmp_path)
    assert check_exchange(bare).level is Level.OK and "不办理跨域通办" in check_exchange(bare).detail
    settings = replace(bare, exchange=ExchangeSettings(hall_id="370171-高新区政务服务中心"))
    assert "请运行 clerk exchange keygen" in check_exchange(settings).detail
    pair = HallKeyPair.generate()
    write_private_key(settings.exchange_key_file, pair)
    said = check_exchange(settings)
    assert said.level is Level.WARN and "尚未安装任何合作大厅的公钥" in said.detail
    install_trusted(settings.exchange_trusted_keys, "440305-南山区政务服务中心", HallKeyPair.generate().public_hex)
    said = check_exchange(settings)
    assert said.level is Level.OK and said.detail.endswith("受信任的合作大厅 1 个：440305-南山区政务服务中心")
    os.chmod(settings.exchange_key_file, 0o644)
    assert check_exchange(settings).level is Level.WARN
    assert stat.S_IMODE(settings.exchange_key_file.stat().st_mode) == 0o600
    settings.exchange_key_file.write_text("0" * 64 + "\n")
    assert check_exchange(settings).level is Level.FAIL
