"""Notice kinds take the printing layer's names (one enum for stored and printed notices).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# old stored value -> clerk.printing.data.NoticeKind value
RENAMES = {
    "acceptance": "promised",
    "on_the_spot": "on-the-spot",
    "one_time": "one-time",
    "tolerance_commitment": "commitment",
    "result_approved": "result-ready",
    "result_correction": "result-correction",
    "result_refused": "result-refused",
}


def _rename(pairs: dict[str, str]) -> None:
    notices = sa.table("notices", sa.column("kind", sa.String))
    for old, new in pairs.items():
        op.execute(notices.update().where(notices.c.kind == old).values(kind=new))


def upgrade() -> None:
    _rename(RENAMES)


def downgrade() -> None:
    _rename({new: old for old, new in RENAMES.items()})
