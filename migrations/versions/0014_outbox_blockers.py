"""outbox: a partial index of the rows that can hold a conversation up (issue 16)

Revision ID: 0014
Revises: 0007

Hand-written. bot.services.outbox.claim_runs reads these rows first, so a pass costs the
same however many rows wait behind them.
"""
import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0007"
branch_labels = None
depends_on = None

BLOCKER_SQL = "status = 'sending' OR (status = 'pending' AND next_attempt_at IS NOT NULL)"


def upgrade() -> None:
    op.create_index("ix_outbox_blockers", "outboxmessage", ["conversation", "id"],
                    postgresql_where=sa.text(BLOCKER_SQL), sqlite_where=sa.text(BLOCKER_SQL))


def downgrade() -> None:
    op.drop_index("ix_outbox_blockers", table_name="outboxmessage")
