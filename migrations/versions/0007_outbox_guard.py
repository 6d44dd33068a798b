"""outbox guard: held messages about a ticket are checked again at send time (issue 10)

Revision ID: 0007
Revises: 0006

Hand-written: three nullable columns on the outbox (bot.messages.Guard); rows
written before this revision have no guard and are sent as before.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.add_column(sa.Column("guard_ticket_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("guard_statuses", sqlmodel.sql.sqltypes.AutoString(length=64),
                                      nullable=True))
        batch_op.add_column(sa.Column("guard_claimer", sqlmodel.sql.sqltypes.AutoString(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.drop_column("guard_claimer")
        batch_op.drop_column("guard_statuses")
        batch_op.drop_column("guard_ticket_id")
