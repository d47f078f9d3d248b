"""Alembic environment: always run with a connection handed in by clerk.store.migrate."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import clerk.store.tables  # noqa: F401  (fills the metadata)
import clerk.store.tables_complaints  # noqa: F401  (complaint desk, dashboard indexes)
import clerk.store.tables_mail  # noqa: F401  (0003: mail, supplements, ratings)
import clerk.store.tables_materials  # noqa: F401  (0016: material files)
import clerk.store.tables_seats  # noqa: F401  (0008: seats)
import clerk.store.tables_tickets  # noqa: F401  (0010: tickets, appointments)
import clerk.store.tables_verification  # noqa: F401  (0017: 告知承诺 verifications)

connection = context.config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=SQLModel.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
