"""lifecycle automation: scheduled jobs and notices, ticket lifecycle timestamps (issue 5)

Revision ID: 0003
Revises: 0002

Hand-written: only the tables and columns of issue 5.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_TICKET_STAMPS = ("deadline_at", "claimed_at", "done_at", "verified_at", "closed_at")


def upgrade() -> None:
    op.create_table(
        "scheduled_notice",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("creator_id", sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
        sa.Column("expression", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("rule", sa.JSON(), nullable=False),
        sa.Column("scope", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("room_ids", sa.JSON(), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("next_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"]),
        sa.ForeignKeyConstraint(["creator_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("scheduled_notice", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scheduled_notice_community_id"), ["community_id"], unique=False)

    op.create_table(
        "scheduled_job",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("kind", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("community_id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("notice_id", sa.Integer(), nullable=True),
        sa.Column("due_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("finished_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"]),
        sa.ForeignKeyConstraint(["notice_id"], ["scheduled_notice.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("key"),
    )
    with op.batch_alter_table("scheduled_job", schema=None) as batch_op:
        batch_op.create_index("ix_scheduled_job_due", ["status", "due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_scheduled_job_ticket_id"), ["ticket_id"], unique=False)

    with op.batch_alter_table("ticket", schema=None) as batch_op:
        for name in _TICKET_STAMPS:
            batch_op.add_column(sa.Column(name, sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ticket", schema=None) as batch_op:
        for name in reversed(_TICKET_STAMPS):
            batch_op.drop_column(name)
    with op.batch_alter_table("scheduled_job", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheduled_job_ticket_id"))
        batch_op.drop_index("ix_scheduled_job_due")
    op.drop_table("scheduled_job")
    with op.batch_alter_table("scheduled_notice", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheduled_notice_community_id"))
    op.drop_table("scheduled_notice")
