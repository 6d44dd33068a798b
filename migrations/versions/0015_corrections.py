"""learning from corrections: each /改 kept as a labelled example, and each community's
compiled correction layer (issue 11)

Revision ID: 0015
Revises: 0011

Hand-written for this area's tables only.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0015"
down_revision = "0011"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "ticket_correction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", S(length=64), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("text", S(), nullable=False),
        sa.Column("field", S(length=16), nullable=False),
        sa.Column("old_value", S(length=200), nullable=True),
        sa.Column("new_value", S(length=200), nullable=False),
        sa.Column("evidence", S(length=500), nullable=True),
        sa.Column("actor_id", S(), nullable=True),
        sa.Column("created_at", T(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"]),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.ForeignKeyConstraint(["actor_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_ticket_correction_community_id", "ticket_correction", ["community_id"])
    op.create_index("ix_ticket_correction_ticket_id", "ticket_correction", ["ticket_id"])
    op.create_table(
        "correction_layer",
        sa.Column("community_id", S(length=64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("built_at", T(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"]),
        sa.PrimaryKeyConstraint("community_id"),
    )


def downgrade() -> None:
    op.drop_table("correction_layer")
    op.drop_index("ix_ticket_correction_ticket_id", table_name="ticket_correction")
    op.drop_index("ix_ticket_correction_community_id", table_name="ticket_correction")
    op.drop_table("ticket_correction")
