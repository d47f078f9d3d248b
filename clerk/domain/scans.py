"""The electronic copy of a material captured at the window (issue 26).

A clerk captures the pages of one checklist row (a scanner, a document camera's
drop folder, or a file); the pages become one PDF per material.  This module
is the plain data the window hands to the store when the visit is saved, and
that a kept (pending) visit carries through an outage:

- ``MaterialFile``: one material's PDF with its page count and digests.
- ``IntakeDraft.files`` (``clerk.domain.intake``) maps material key → ``MaterialFile``.

Capturing and converting (SANE, the drop folder, img2pdf) live in
``clerk.capture``; storing the bytes, auditing views and purging in the store
and services.  Nothing here does I/O.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sm3_hex(data: bytes) -> str:
    """SM3 (GB/T 32905), the digest Chinese e-government records ask for beside SHA-256."""
    return hashlib.new("sm3", data).hexdigest()


@dataclass(frozen=True)
class MaterialFile:
    """One material's captured pages as a single PDF."""

    material_key: str
    pdf: bytes
    pages: int
    sha256: str
    sm3: str

    @classmethod
    def of(cls, material_key: str, pdf: bytes, pages: int) -> MaterialFile:
        return cls(material_key, pdf, pages, sha256_hex(pdf), sm3_hex(pdf))

    def intact(self) -> bool:
        """The bytes still hash to the recorded digests."""
        return sha256_hex(self.pdf) == self.sha256 and sm3_hex(self.pdf) == self.sm3
