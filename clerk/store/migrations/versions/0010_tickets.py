"""Tickets and calling: tickets, ticket holders, counters, window states, appointments.

``ticket_holders`` and ``appointments`` (personal data) are tracked by the audit
chain; they are created empty, so nothing needs attesting.

Revision ID: 0010
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    tz = sa.DateTime(timezone=True)
    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("queue", sa.String(length=2), nullable=False),
        sa.Column("taken_queue", sa.String(length=2), nullable=False),
        sa.Column("serial", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=8), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("priority", sa.String(length=16), nullable=False),
        sa.Column("id_masked", sa.String(length=24), nullable=False),
        sa.Column("appointment_code", sa.String(length=16), nullable=False),
        sa.Column("taken_at", tz, nullable=False),
        sa.Column("printed_at", tz, nullable=True),
        sa.Column("called_at", tz, nullable=True),
        sa.Column("last_called_at", tz, nullable=True),
        sa.Column("started_at", tz, nullable=True),
        sa.Column("finished_at", tz, nullable=True),
        sa.Column("no_show_at", tz, nullable=True),
        sa.Column("transferred_at", tz, nullable=True),
        sa.Column("window", sa.Integer(), nullable=True),
        sa.Column("target_window", sa.Integer(), nullable=True),
        sa.Column("called_by", sa.String(length=32), nullable=False),
        sa.Column("recalls", sa.Integer(), nullable=False),
        sa.Column("calls_after_no_show", sa.Integer(), nullable=False),
        sa.Column("transfers", sa.Integer(), nullable=False),
        sa.Column("case_numbers", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("day", "number", name="uq_tickets_day_number"),
    )
    op.create_index("ix_tickets_state_queue", "tickets", ["state", "queue", "taken_at"])
    op.create_index("ix_tickets_window_state", "tickets", ["window", "state"])
    op.create_index("ix_tickets_day_called", "tickets", ["day", "last_called_at"])
    open_at_window = sa.text("state IN ('called', 'serving')")
    op.create_index("uq_tickets_open_window", "tickets", ["window"], unique=True,
                    sqlite_where=open_at_window, postgresql_where=open_at_window)
    op.create_table(
        "ticket_holders",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("id_number", sa.String(length=24), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"], name=op.f("fk_ticket_holders_ticket_id_tickets")),
        sa.PrimaryKeyConstraint("ticket_id", name=op.f("pk_ticket_holders")),
    )
    op.create_index(op.f("ix_ticket_holders_id_number"), "ticket_holders", ["id_number"])
    op.create_table(
        "ticket_counters",
        sa.Column("day", sa.String(length=8), nullable=False),
        sa.Column("queue", sa.String(length=2), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("day", "queue", name=op.f("pk_ticket_counters")),
    )
    op.create_table(
        "window_states",
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=100), nullable=False),
        sa.Column("since", tz, nullable=False),
        sa.Column("by", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("window", name=op.f("pk_window_states")),
    )
    op.create_table(
        "appointments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=16), nullable=False),
        sa.Column("queue", sa.String(length=2), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("half", sa.String(length=4), nullable=False),
        sa.Column("name", sa.String(length=64), nullable=False),
        sa.Column("id_number", sa.String(length=24), nullable=False),
        sa.Column("phone", sa.String(length=32), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", tz, nullable=False),
        sa.Column("created_by", sa.String(length=32), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", tz, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appointments")),
        sa.UniqueConstraint("code", name=op.f("uq_appointments_code")),
    )
    op.create_index("ix_appointments_day_queue", "appointments", ["day", "queue", "half"])
    op.create_index(op.f("ix_appointments_id_number"), "appointments", ["id_number"])


def downgrade() -> None:
    op.drop_table("appointments")
    op.drop_table("window_states")
    op.drop_table("ticket_counters")
    op.drop_table("ticket_holders")
    op.drop_table("tickets")
