"""tasks for several people (task_need, task_place), 参加次数考核 minimum, 战时 per street

Revision ID: 0021
Revises: 0011

Hand-written for this area's tables only (issue 17).
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0021"
down_revision = "0017"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "task_need",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("community_id", S(length=64), nullable=False),
        sa.Column("places", sa.Integer(), nullable=False),
        sa.Column("taken", sa.Integer(), nullable=False),
        sa.Column("created_by", S(), nullable=True),
        sa.Column("created_at", T(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id"),
    )
    op.create_index("ix_task_need_community_id", "task_need", ["community_id"])
    op.create_table(
        "task_place",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("person_id", S(length=128), nullable=False),
        sa.Column("status", S(length=16), nullable=False),
        sa.Column("assigned_by", S(), nullable=True),
        sa.Column("claimed_at", T(), nullable=False),
        sa.Column("done_at", T(), nullable=True),
        sa.Column("verified_at", T(), nullable=True),
        sa.Column("verified_by", S(), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.Column("note", S(length=200), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["assigned_by"], ["person.id"]),
        sa.ForeignKeyConstraint(["verified_by"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("ticket_id", "person_id", name="uq_task_place_person"),
    )
    op.create_index("ix_task_place_ticket_id", "task_place", ["ticket_id"])
    op.create_index("ix_task_place_person_id", "task_place", ["person_id"])
    op.create_table(
        "participation_rule",
        sa.Column("community_id", S(length=64), nullable=False),
        sa.Column("min_count", sa.Integer(), nullable=False),
        sa.Column("updated_by", S(), nullable=True),
        sa.Column("updated_at", T(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"]),
        sa.ForeignKeyConstraint(["updated_by"], ["person.id"]),
        sa.PrimaryKeyConstraint("community_id"),
    )
    with op.batch_alter_table("wartime_mode", schema=None) as batch_op:  # 战时 switched for a whole street
        batch_op.add_column(sa.Column("street_id", S(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("wartime_mode", schema=None) as batch_op:
        batch_op.drop_column("street_id")
    op.drop_table("participation_rule")
    op.drop_table("task_place")
    op.drop_table("task_need")
