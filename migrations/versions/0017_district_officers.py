"""district officers, and an index for a period's tickets (issue 13: the district's /统计 and
monthly report)

Revision ID: 0017
Revises: 0011

Hand-written. ``district_officer`` is new; ``ix_ticket_created`` (community_id, created_at),
``ix_pointsentry_created`` (community_id, created_at) and ``ix_claim_ended`` (outcome, ended_at)
let the district's roll-up read one month of 119 communities' tickets, points and finished work
without scanning the year.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "district_officer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("district_id", S(length=64), nullable=False),
        sa.Column("person_id", S(length=128), nullable=False),
        sa.ForeignKeyConstraint(["district_id"], ["district.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("district_id", "person_id", name="uq_district_officer"),
    )
    op.create_index("ix_district_officer_district_id", "district_officer", ["district_id"])
    op.create_index("ix_district_officer_person_id", "district_officer", ["person_id"])
    op.create_index("ix_ticket_created", "ticket", ["community_id", "created_at"])
    op.create_index("ix_claim_ended", "claim", ["outcome", "ended_at"])
    op.create_index("ix_pointsentry_created", "pointsentry", ["community_id", "created_at"])


def downgrade() -> None:
    op.drop_index("ix_pointsentry_created", table_name="pointsentry")
    op.drop_index("ix_claim_ended", table_name="claim")
    op.drop_index("ix_ticket_created", table_name="ticket")
    op.drop_index("ix_district_officer_person_id", table_name="district_officer")
    op.drop_index("ix_district_officer_district_id", table_name="district_officer")
    op.drop_table("district_officer")
