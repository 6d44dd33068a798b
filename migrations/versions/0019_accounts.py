"""accounts: platform accounts, the rooms they are in, and the account of every outbox row (issue 16)

Revision ID: 0019
Revises: 0011

Hand-written. Existing rows are bound to the 'default' account, which a process started
without ACCOUNTS drives, so an upgraded single-process deployment behaves as before.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    account = op.create_table(
        "account",
        sa.Column("id", S(length=64), nullable=False),
        sa.Column("platform", S(length=16), nullable=False),
        sa.Column("name", S(length=64), nullable=False),
        sa.Column("credentials", S(length=64), nullable=True),
        sa.Column("state", S(length=16), nullable=False),
        sa.Column("state_reason", S(length=200), nullable=True),
        sa.Column("state_since", T(), nullable=False),
        sa.Column("driven_by", S(length=200), nullable=True),
        sa.Column("created_at", T(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "roomaccount",
        sa.Column("room_id", S(length=128), nullable=False),
        sa.Column("account_id", S(length=64), nullable=False),
        sa.Column("preferred", sa.Boolean(), nullable=False),
        sa.Column("source", S(length=16), nullable=False),
        sa.Column("since", T(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["account.id"]),
        sa.PrimaryKeyConstraint("room_id", "account_id"),
    )
    op.create_index("ix_roomaccount_account", "roomaccount", ["account_id", "room_id"])
    from datetime import datetime, timezone

    now = datetime.now(timezone.utc)
    op.bulk_insert(account, [{"id": "default", "platform": "any", "name": "default", "credentials": None,
                              "state": "online", "state_reason": None, "state_since": now, "driven_by": None,
                              "created_at": now}])
    with op.batch_alter_table("outboxmessage") as batch:
        batch.add_column(sa.Column("account_id", S(length=64), nullable=False, server_default="default"))
    op.create_index("ix_outbox_account", "outboxmessage", ["account_id", "status", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_account", table_name="outboxmessage")
    with op.batch_alter_table("outboxmessage") as batch:
        batch.drop_column("account_id")
    op.drop_index("ix_roomaccount_account", table_name="roomaccount")
    op.drop_table("roomaccount")
    op.drop_table("account")
