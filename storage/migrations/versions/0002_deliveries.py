"""Deliveries: platform events already handled, so a redelivery landing on another process is ignored.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-21 05:21:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "deliveries",
        sa.Column("key", sa.String(), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_deliveries")),
    )
    op.create_index(op.f("ix_deliveries_expires_at"), "deliveries", ["expires_at"], unique=False)


def downgrade() -> None:
    op.drop_table("deliveries")
