"""The packet: one zip file a hall hands to another, proving where it came from.

Members, in this order, all stored (not compressed), with fixed times and modes:

- ``manifest.json``: the manifest (UTF-8 JSON, sorted keys): format, packet id (uuid),
  sender and receiver hall ids, the case it is about (``case_ref``: the hall that took it
  in and that hall's number), the per-case sequence number of the sender, kind (``case``
  or ``status``), created time, the kind's content, and each other member's name, size,
  SHA-256 and SM3;
- ``manifest.sig``: the sender's SM2 signature of the manifest's bytes (r‖s hex);
- the files the manifest lists (``materials/NN.pdf``, ``notices/NN.pdf``).

The zip is canonical: reading rebuilds it from its members and requires the very same
bytes, so a byte changed anywhere — a file, the signature, the manifest, a header, the
directory, the padding — is refused, whether or not the zip library would have noticed.

:func:`read_packet` runs the checks that need no store, in the order docs/exchange.md
gives: the file is a packet; the signature against the sender's trusted key; every
file's size and digests; the receiver is this hall.  Replay and order need the store
(``clerk.exchange.service``).  Each refusal is a :class:`PacketRefused`.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from clerk.characters import refusal
from clerk.domain.scans import sha256_hex, sm3_hex
from clerk.exchange.errors import PacketRefused
from clerk.exchange.keys import HALL_ID, HallKeyPair, TrustedHall, verify

FORMAT = "clerk-exchange/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
KINDS = ("case", "supplement", "status")
#: a packet larger than this is refused unread (a case's scans are a few MB)
MAX_PACKET_BYTES = 512 * 1024 * 1024
_MAX_MEMBERS = 1000
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class PacketFile:
    """A file the manifest lists: its member name, what it is (``material``/``notice``) and
    which one (material key or notice kind), and its bytes."""

    name: str
    role: str
    key: str
    data: bytes
    pages: int = 0

    def entry(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "key": self.key, "pages": self.pages,
                "size": len(self.data), "sha256": sha256_hex(self.data), "sm3": sm3_hex(self.data)}


@dataclass(frozen=True)
class Packet:
    """A packet read and checked (signature, digests, receiver): its manifest and files."""

    manifest: dict[str, Any]
    files: tuple[PacketFile, ...]

    @property
    def packet_id(self) -> str:
        return str(self.manifest["packet_id"])

    @property
    def sender(self) -> str:
        return str(self.manifest["sender"])

    @property
    def receiver(self) -> str:
        return str(self.manifest["receiver"])

    @property
    def kind(self) -> str:
        return str(self.manifest["kind"])

    @property
    def sequence(self) -> int:
        return int(self.manifest["sequence"])

    @property
    def case_ref(self) -> tuple[str, str]:
        """(the hall that took the case in, its case number there)."""
        ref = self.manifest["case_ref"]
        return str(ref["hall"]), str(ref["number"])

    def body(self) -> dict[str, Any]:
        """The kind's content (``case`` or ``status``)."""
        value = self.manifest[self.kind]
        assert isinstance(value, dict)
        return value


def manifest_bytes(manifest: Mapping[str, Any]) -> bytes:
    return json.dumps(manifest, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def _zip(members: Sequence[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_FIXED_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = 0o100600 << 16
            archive.writestr(info, data)
    return out.getvalue()


def build_packet(manifest: Mapping[str, Any], files: Sequence[PacketFile], key: HallKeyPair) -> bytes:
    """The packet's bytes: ``manifest`` (without ``files``; they are listed here) signed by ``key``."""
    full = {**manifest, "format": FORMAT, "files": [f.entry() for f in files]}
    body = manifest_bytes(full)
    signature = key.sign(body).encode("ascii")
    return _zip([(MANIFEST, body), (SIGNATURE, signature), *((f.name, f.data) for f in files)])


def _refuse_format(message: str) -> PacketRefused:
    return PacketRefused("format", message)


def _members(data: bytes) -> list[tuple[str, bytes]]:
    """The members of the canonical zip ``data`` (``format`` refusals otherwise)."""
    if len(data) > MAX_PACKET_BYTES:
        raise _refuse_format(f"文件超过 {MAX_PACKET_BYTES // (1024 * 1024)} MB，不是跨域通办数据包")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
            if len(infos) > _MAX_MEMBERS:
                raise _refuse_format("文件中的内容过多，不是跨域通办数据包")
            if sum(i.file_size for i in infos) > MAX_PACKET_BYTES:
                raise _refuse_format("文件解开后过大，不是跨域通办数据包")
            if any(i.compress_type != zipfile.ZIP_STORED for i in infos):  # nothing is inflated
                raise _refuse_format("文件结构与发送方生成的不一致（文件在传输中被改动）")
            members = [(info.filename, archive.read(info)) for info in infos]
    except PacketRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError, EOFError, OSError,
            UnicodeDecodeError, RuntimeError) as exc:
        # A CRC that no longer matches lands here too: the bytes of a member changed.
        raise _refuse_format(f"文件已损坏或不是跨域通办数据包（{type(exc).__name__}）") from None
    if [name for name, _ in members[:2]] != [MANIFEST, SIGNATURE]:
        raise _refuse_format("文件中没有签名的清单（manifest.json、manifest.sig），不是跨域通办数据包")
    if _zip(members) != data:
        raise _refuse_format("文件结构与发送方生成的不一致（文件在传输中被改动）")
    return members


def _parsed_manifest(body: bytes) -> dict[str, Any]:
    try:
        manifest = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise PacketRefused("signature", "清单无法读取或版本不符（清单被改动，或不是本系统生成的数据包）")
    return manifest


def read_packet(data: bytes, trusted: Mapping[str, TrustedHall], this_hall: str) -> Packet:
    """The packet in ``data``, checked: format, signature, digests, receiver (in this order)."""
    members = _members(data)
    (_, body), (_, signature), *rest = members
    manifest = _parsed_manifest(body)
    sender = manifest.get("sender")
    if not isinstance(sender, str) or not HALL_ID.fullmatch(sender) or refusal("", sender) is not None:
        raise PacketRefused("signature", "清单中没有有效的发送方大厅标识")
    partner = trusted.get(sender)
    if partner is None:
        raise PacketRefused("signature", f"发送方 {sender} 不在本大厅的受信任公钥中（未知大厅签名），"
                                         "请管理员核实对方公钥后用 clerk exchange trust 安装")
    if not verify(partner.public_xy, body, signature.decode("ascii", "replace")):
        raise PacketRefused("signature", f"签名与 {sender} 的公钥不符（清单被改动，或并非该大厅签发）")
    _check_shape(manifest)
    files = _checked_files(manifest, rest)
    if manifest["receiver"] != this_hall:
        raise PacketRefused("receiver", f"数据包是发给 {manifest['receiver']} 的，不是本大厅（{this_hall}）")
    return Packet(manifest, files)


def _check_shape(manifest: Mapping[str, Any]) -> None:
    """A signed manifest of a wrong shape is a sender's bug; still refused plainly."""
    ref = manifest.get("case_ref")
    ok = (isinstance(manifest.get("packet_id"), str) and isinstance(manifest.get("receiver"), str)
          and manifest.get("kind") in KINDS and isinstance(manifest.get(str(manifest.get("kind"))), dict)
          and type(manifest.get("sequence")) is int and manifest["sequence"] >= 1
          and isinstance(ref, dict) and isinstance(ref.get("hall"), str) and isinstance(ref.get("number"), str)
          and isinstance(manifest.get("files"), list))
    if not ok:
        raise PacketRefused("format", "清单缺少必需的项目（发送方软件版本不符）")


def _checked_files(manifest: Mapping[str, Any], members: Sequence[tuple[str, bytes]]) -> tuple[PacketFile, ...]:
    listed = manifest["files"]
    names = [entry.get("name") if isinstance(entry, dict) else None for entry in listed]
    present = [name for name, _ in members]
    if names != present:
        missing = sorted(set(map(str, names)) - set(present))
        extra = sorted(set(present) - set(map(str, names)))
        said = "；".join(([f"缺少 {'、'.join(missing)}"] if missing else []) + ([f"多出 {'、'.join(extra)}"] if extra else []))
        raise PacketRefused("digest", f"数据包中的文件与清单不符（{said or '顺序不同'}）")
    files = []
    for entry, (name, data) in zip(listed, members, strict=True):
        if (entry.get("size") != len(data) or entry.get("sha256") != sha256_hex(data)
                or entry.get("sm3") != sm3_hex(data)):
            raise PacketRefused("digest", f"文件 {name} 的大小或摘要（SHA-256/SM3）与清单不符（内容被改动）")
        files.append(PacketFile(name, str(entry.get("role", "")), str(entry.get("key", "")), data,
                                int(entry.get("pages", 0) or 0)))
    return tuple(files)
