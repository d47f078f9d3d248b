"""The exchange's refusals: one Chinese sentence each, saying which check failed."""

from __future__ import annotations

from clerk.domain.errors import ServiceError


class ExchangeError(ServiceError):
    """The exchange cannot do what was asked (keys missing, a case that cannot be handed over…)."""


class PacketRefused(ExchangeError):
    """A packet failed a check on import; nothing of it was applied.

    ``check`` names the check (``format``, ``signature``, ``digest``, ``receiver``, ``replay``,
    ``order``, ``apply``) for scripts and tests; ``str()`` is the sentence for people."""

    def __init__(self, check: str, message: str) -> None:
        self.check = check
        super().__init__(f"数据包被拒绝（{CHECK_NAMES.get(check, check)}）：{message}；未导入任何内容")


CHECK_NAMES = {
    "format": "文件格式",
    "signature": "签名校验",
    "digest": "文件摘要校验",
    "receiver": "接收方校验",
    "replay": "重复导入校验",
    "order": "顺序校验",
    "apply": "办件状态",
}
