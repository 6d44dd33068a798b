"""console: one-time login links, sessions and the audit log (issue 14)

Revision ID: 0012
Revises: 0010

Hand-written: three new tables (bot/db/models_console.py).
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "consolelink",
        sa.Column("token_hash", S(length=64), primary_key=True),
        sa.Column("person_id", S(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("created_at", T(), nullable=False),
        sa.Column("expires_at", T(), nullable=False),
        sa.Column("used_at", T(), nullable=True),
    )
    op.create_index("ix_consolelink_person_id", "consolelink", ["person_id"])
    op.create_table(
        "consolesession",
        sa.Column("token_hash", S(length=64), primary_key=True),
        sa.Column("person_id", S(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("csrf", S(length=64), nullable=False),
        sa.Column("created_at", T(), nullable=False),
        sa.Column("expires_at", T(), nullable=False),
        sa.Column("revoked_at", T(), nullable=True),
    )
    op.create_index("ix_consolesession_person_id", "consolesession", ["person_id"])
    op.create_table(
        "consoleaudit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("person_id", S(), sa.ForeignKey("person.id"), nullable=False),
        sa.Column("action", S(length=64), nullable=False),
        sa.Column("target", S(length=200), nullable=True),
        sa.Column("detail", S(), nullable=True),
        sa.Column("created_at", T(), nullable=False),
    )
    op.create_index("ix_consoleaudit_person_id", "consoleaudit", ["person_id"])


def downgrade() -> None:
    op.drop_table("consoleaudit")
    op.drop_table("consolesession")
    op.drop_table("consolelink")
