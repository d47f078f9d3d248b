"""Close the store to clerk 0.4.0: 0.5.0 writes what 0.4.0 cannot read or would undo.

No table changes.  clerk 0.5.0 stores notice statuses 0.4.0 does not know (``saved``: a
notice only saved as a PDF at a window with no printer; ``unknown``: a job lost with its print
server, settled later), keeps a 容缺 material's promised date after it arrived, counts a
correction (补正) as a suspension that moves the promise on when it is resumed, and receives a
kept visit at the applicant's time.  A 0.4.0 window on the same store would fail on the new
statuses and restart limits the old way, so ``min_app_version`` becomes 0.5.0: a 0.4.0 window
says its clerk is too old (and on PostgreSQL its writes are refused by the 0014 gate).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

MIN_APP_VERSION = "0.5.0"
PREVIOUS = "0.4.0"


def upgrade() -> None:
    op.get_bind().execute(sa.text("UPDATE clerk_store_info SET value = :v WHERE key = 'min_app_version'"),
                          {"v": MIN_APP_VERSION})


def downgrade() -> None:
    op.get_bind().execute(sa.text("UPDATE clerk_store_info SET value = :v WHERE key = 'min_app_version'"),
                          {"v": PREVIOUS})
