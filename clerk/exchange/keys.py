"""The hall's SM2 key pair and the partner halls' public keys (国密 SM2, GB/T 32918).

Signing and verifying are the ``gmssl`` library's (``CryptSM2.sign_with_sm3`` /
``verify_with_sm3``: SM2 over the SM3 digest of Z‖M, the default user id
``1234567812345678``).  What this module adds is what that library leaves to its
caller, each a known weakness of it:

- the random number ``k`` of each signature comes from ``secrets`` (the library's own
  default draws it from ``random``, which is predictable; a predictable ``k`` gives
  the private key away), and the private key too;
- a signature's ``r`` and ``s`` are checked to lie in ``[1, n-1]`` before the library
  verifies it (GB/T 32918.2 B1–B2; the library does not), and a public key to be a point
  of the curve when it is installed;
- a public key is handed to the library without the ``04`` prefix (its constructor
  strips a prefix with ``lstrip``, which also eats a leading ``0``/``4`` of ``x``).

Files: the private key is one line of hex, written 0600 (``clerk.filemodes``); a
partner's public key is a small TOML file in the trusted-keys folder (``hall_id``,
``public_key`` as ``04``‖x‖y hex, optional ``name``), installed by the administrator.
"""

from __future__ import annotations

import re
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

from gmssl import sm2

from clerk.characters import refusal
from clerk.domain.scans import sm3_hex
from clerk.exchange.errors import ExchangeError
from clerk.filemodes import tighten, write_private

_CURVE = sm2.default_ecc_table
_N = int(_CURVE["n"], 16)
_P = int(_CURVE["p"], 16)
_A = int(_CURVE["a"], 16)
_B = int(_CURVE["b"], 16)
_HEX = re.compile(r"[0-9a-f]+")

#: ``[exchange] hall_id``: the 行政区划代码 (6 digits) and the hall's name, e.g. ``370171-高新区政务服务中心``
HALL_ID = re.compile(r"[1-9]\d{5}-[^\s/\\\x00-\x1f\x7f]{1,40}")


def check_hall_id(value: str) -> str:
    """``value`` if it is a hall id, else ``ExchangeError`` saying what one looks like."""
    if not HALL_ID.fullmatch(value) or refusal("", value) is not None:
        raise ExchangeError(f"大厅标识 {value!r} 无效：应为6位行政区划代码、“-”和大厅名称，例如 370171-高新区政务服务中心")
    return value


def _on_curve(xy: str) -> bool:
    x, y = int(xy[:64], 16), int(xy[64:], 16)
    return x < _P and y < _P and (y * y - (x * x * x + _A * x + _B)) % _P == 0


def parse_public_key(text: str) -> str:
    """``04``‖x‖y (or x‖y) hex → the 128 hex digits of x‖y; ``ExchangeError`` unless a curve point."""
    value = text.strip().lower()
    if len(value) == 130 and value.startswith("04"):
        value = value[2:]
    if len(value) != 128 or not _HEX.fullmatch(value) or not _on_curve(value):
        raise ExchangeError("公钥无效：应为 SM2 公钥的十六进制（04 开头共130位），且为曲线上的点")
    return value


def fingerprint(public_xy: str) -> str:
    """What two administrators read to each other on the phone: SM3 of the key, 8 groups of 4."""
    digest = sm3_hex(bytes.fromhex(public_xy))[:32].upper()
    return " ".join(digest[i:i + 4] for i in range(0, 32, 4))


def _crypt(private_hex: str, public_xy: str) -> sm2.CryptSM2:
    crypt = sm2.CryptSM2(private_key=private_hex, public_key="")
    crypt.public_key = public_xy  # not through the constructor: see the module's docstring
    return crypt


@dataclass(frozen=True)
class HallKeyPair:
    """This hall's signing key (``private_hex``: d, 64 hex) and its public key (x‖y, 128 hex)."""

    private_hex: str
    public_xy: str

    @property
    def public_hex(self) -> str:
        """The public key as given to partners: ``04``‖x‖y."""
        return "04" + self.public_xy

    @classmethod
    def generate(cls) -> HallKeyPair:
        d = 1 + secrets.randbelow(_N - 2)  # d in [1, n-2] (GB/T 32918.1)
        private_hex = f"{d:064x}"
        public_xy = sm2.CryptSM2(private_key=private_hex, public_key="")._kg(d, _CURVE["g"])
        return cls(private_hex, public_xy)

    @classmethod
    def from_private(cls, private_hex: str) -> HallKeyPair:
        value = private_hex.strip().lower()
        if len(value) != 64 or not _HEX.fullmatch(value) or not 1 <= int(value, 16) <= _N - 2:
            raise ExchangeError("本大厅的 SM2 私钥文件内容无效（应为64位十六进制）")
        public_xy = sm2.CryptSM2(private_key=value, public_key="")._kg(int(value, 16), _CURVE["g"])
        return cls(value, public_xy)

    def sign(self, message: bytes) -> str:
        """The SM2 signature of ``message`` (SM3 with Z): ``r``‖``s``, 128 hex digits."""
        crypt = _crypt(self.private_hex, self.public_xy)
        while True:
            k = f"{1 + secrets.randbelow(_N - 1):064x}"
            signature = crypt.sign_with_sm3(message, k)
            if signature is not None:  # r = 0 or r + k = n: draw again
                return str(signature)


def verify(public_xy: str, message: bytes, signature: str) -> bool:
    """Whether ``signature`` (r‖s hex) is ``public_xy``'s SM2 signature of ``message``."""
    if len(signature) != 128 or not _HEX.fullmatch(signature):
        return False
    r, s = int(signature[:64], 16), int(signature[64:], 16)
    if not (1 <= r < _N and 1 <= s < _N):
        return False
    try:
        return bool(_crypt("", public_xy).verify_with_sm3(signature, message))
    except (ValueError, TypeError, ZeroDivisionError):
        return False


# -- files -------------------------------------------------------------------------------


def write_private_key(path: Path, pair: HallKeyPair) -> None:
    """The private key as one line of hex, 0600 in 0700 folders; never over an existing key."""
    if path.exists():
        raise ExchangeError(f"私钥文件 {path} 已存在：不覆盖（更换密钥须先通知各合作大厅，再删除旧文件后重新生成）")
    write_private(path, (pair.private_hex + "\n").encode("ascii"), durable=True)


def read_private_key(path: Path) -> HallKeyPair:
    try:
        text = path.read_text("ascii")
    except FileNotFoundError:
        raise ExchangeError(f"本大厅的 SM2 私钥文件 {path} 不存在：请先运行 clerk exchange keygen") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExchangeError(f"无法读取本大厅的 SM2 私钥文件 {path}：{getattr(exc, 'strerror', None) or exc}") from None
    tighten(path)
    return HallKeyPair.from_private(text)


@dataclass(frozen=True)
class TrustedHall:
    """A partner hall whose packets this hall accepts: its id, public key and where it was read."""

    hall_id: str
    public_xy: str
    name: str
    source: Path


def trusted_key_text(hall_id: str, public_hex: str, name: str = "") -> str:
    """The TOML of one trusted key (what ``clerk exchange keygen`` prints and ``trust`` installs)."""
    lines = [f'hall_id = "{hall_id}"', f'public_key = "{public_hex}"']
    if name:
        lines.append(f"name = {_toml_string(name)}")
    return "\n".join(lines) + "\n"


def _toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def read_trusted(folder: Path) -> dict[str, TrustedHall]:
    """The partner halls' keys: every ``*.toml`` of ``folder`` (none when it does not exist)."""
    found: dict[str, TrustedHall] = {}
    if not folder.is_dir():
        return found
    for path in sorted(folder.glob("*.toml")):
        try:
            data = tomllib.loads(path.read_text("utf-8"))
            hall_id = check_hall_id(str(data["hall_id"]))
            public_xy = parse_public_key(str(data["public_key"]))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, ExchangeError) as exc:
            reason = f"缺少 {exc}" if isinstance(exc, KeyError) else str(exc)
            raise ExchangeError(f"受信任公钥文件 {path} 无效：{reason}") from None
        if hall_id in found:
            raise ExchangeError(f"受信任公钥文件 {path} 与 {found[hall_id].source} 都是 {hall_id} 的公钥：请只保留一个")
        found[hall_id] = TrustedHall(hall_id, public_xy, str(data.get("name", "")), path)
    return found


def install_trusted(folder: Path, hall_id: str, public_hex: str, name: str = "") -> TrustedHall:
    """Write a partner's key into ``folder`` (0600); an existing key of that hall is not replaced."""
    check_hall_id(hall_id)
    public_xy = parse_public_key(public_hex)
    known = read_trusted(folder)
    if hall_id in known:
        raise ExchangeError(f"已有 {hall_id} 的受信任公钥（{known[hall_id].source}）：更换前请核实并先删除该文件")
    path = folder / f"{sm3_hex(hall_id.encode('utf-8'))[:16]}.toml"
    write_private(path, trusted_key_text(hall_id, "04" + public_xy, name).encode("utf-8"))
    return TrustedHall(hall_id, public_xy, name, path)
