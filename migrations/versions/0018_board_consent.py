"""console: who agreed to be named on the public 张榜 / 大屏 (issue 14)

Revision ID: 0018
Revises: 0011

Hand-written: one new table (bot/db/models_console.py: ConsoleBoardConsent).
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0018"
down_revision = "0021"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "consoleboardconsent",
        sa.Column("person_id", S(length=128), sa.ForeignKey("person.id"), primary_key=True),
        sa.Column("community_id", S(length=64), sa.ForeignKey("community.id"), primary_key=True),
        sa.Column("recorded_by", S(length=128), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("agreed_at", T(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("consoleboardconsent")
