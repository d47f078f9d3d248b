"""Material files: the captured pages of a case's materials (migration 0016, issue 26).

``material_files`` holds one row per stored PDF: which case and material, its pages,
size, SHA-256 and SM3, when and by whom it was saved, and when it was purged.  The
audit chain covers these rows (``clerk.store.tracked``), so the digests are part of
the case's audited rows.  The bytes are kept apart, content-addressed by SHA-256
(``clerk.store.materials``): in ``material_blobs`` when the store is PostgreSQL (or an
in-memory SQLite store), in a folder beside the SQLite file otherwise.  ``clerk audit
verify`` checks that the bytes still hash to the row's SHA-256.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, LargeBinary
from sqlmodel import Field, SQLModel

import clerk.store.tables  # noqa: F401  (naming convention)
from clerk.store.tracked import track


class MaterialFileRow(SQLModel, table=True):
    __tablename__ = "material_files"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id", index=True)
    material_key: str = Field(max_length=64)
    pages: int
    size: int
    sha256: str = Field(max_length=64, index=True)
    sm3: str = Field(max_length=64)
    saved_at: datetime
    saved_by: str = Field(max_length=32)
    purged_at: datetime | None = None  # the bytes were removed (retention); the digests stay
    purged_by: str | None = Field(default=None, max_length=32)


class MaterialBlob(SQLModel, table=True):
    """The bytes of a material file, by SHA-256 (PostgreSQL; an SQLite file store uses a folder)."""

    __tablename__ = "material_blobs"

    sha256: str = Field(primary_key=True, max_length=64)
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


track("material_files")
