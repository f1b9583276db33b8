"""Daily post claims that close two exactly-once gaps: the first claim time of a taken-over day, and the
reveal claim.

`first_claimed_at` keeps when the first attempt claimed a day that a later attempt took over, so the
take-over can ask the platform whether that attempt's post went out before it died. `reveal_claimed_at`
is taken by a conditional UPDATE before the reveal is posted, so two processes retrying one reveal post it
once. Both are nullable: existing rows need no value (NULL means "never taken over" and "nobody is
revealing it").

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 08:00:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("daily_posts", sa.Column("first_claimed_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("daily_posts", sa.Column("reveal_claimed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("daily_posts") as batch:
        batch.drop_column("reveal_claimed_at")
        batch.drop_column("first_claimed_at")
