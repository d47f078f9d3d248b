"""Deadlines keep the unit of the limit they were counted in (``deadlines.unit``).

A catalog limit may be in working days, calendar days or months (行政许可法
art. 82; docs/catalog.md).  NULL means working days: every deadline stored
before this revision was counted in working days, keeps NULL and so keeps its
date and its audit digest (a nullable column adds nothing to a row's canonical
content).  The catalog version a case was taken under is already stored per
case (``cases.catalog_version``, 0001), so no column is needed for it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deadlines", sa.Column("unit", sa.String(length=8), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("deadlines") as batch:
        batch.drop_column("unit")
