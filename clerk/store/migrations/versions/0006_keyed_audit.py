"""Keyed audit chain that covers the data: events record their hash algorithm
and the digests of the rows they wrote.

Events before this revision keep their unkeyed SHA-256 hashes (``alg`` NULL)
and stay verifiable.  When the database holds rows, one ``baseline`` event
(actor ``system``) attests every current row of the tracked tables with the
hall key, so the chain goes on covering the data from here.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-02
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import context, op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def _hall_key() -> bytes:
    source = context.config.attributes.get("hall_key")
    if source is not None:
        key: bytes = source()
        return key
    from clerk.config import get_settings
    from clerk.store.hallkey import load_hall_key

    return load_hall_key(get_settings())


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("alg", sa.String(16), nullable=True))
        batch.add_column(sa.Column("row_digests", sa.JSON(), nullable=True))

    from clerk.store.audit import append_baseline
    from clerk.store.tracked import all_digests, hash_algorithm, tracked_tables

    conn = op.get_bind()
    tables = [t for t in tracked_tables(conn)
              if conn.execute(sa.select(sa.literal(1)).select_from(t).limit(1)).first() is not None]
    if not tables:
        return  # an empty store: the first write starts the keyed part of the chain
    key, alg = _hall_key(), hash_algorithm()
    rows = [[t.name, row_id, digest] for t in tables for row_id, digest in all_digests(conn, key, alg, t, live=True)]
    append_baseline(conn, key, at=datetime.now(UTC), action="baseline", after={"revision": "0006"}, rows=rows)


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("row_digests")
        batch.drop_column("alg")
