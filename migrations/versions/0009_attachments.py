"""attachments: photos, voice, video, files and locations on tickets; photo rules per category (issue 12)

Revision ID: 0009
Revises: 0014 (helpers write 0007; chained after main's head 0014 so the suite runs after the rebase)

Hand-written: the attachment table (ticket_id empty while a lone photo waits for its
"what is the problem?" answer), the per-category photo rule, and the outbox's image column.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0009"
down_revision = "0014"
branch_labels = None
depends_on = None

_S = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    op.create_table(
        "attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", _S(length=64), nullable=True),
        sa.Column("ticket_id", sa.Integer(), nullable=True),
        sa.Column("person_id", _S(length=128), nullable=False),
        sa.Column("message_key", _S(length=255), nullable=False),
        sa.Column("kind", _S(length=16), nullable=False),
        sa.Column("role", _S(length=16), nullable=False),
        sa.Column("sha256", _S(length=64), nullable=True),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("mime", _S(length=100), nullable=True),
        sa.Column("name", _S(length=200), nullable=True),
        sa.Column("storage_key", _S(length=200), nullable=True),
        sa.Column("thumb_key", _S(length=200), nullable=True),
        sa.Column("latitude", sa.Float(), nullable=True),
        sa.Column("longitude", sa.Float(), nullable=True),
        sa.Column("address", _S(length=300), nullable=True),
        sa.Column("transcript", _S(), nullable=True),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["ticket.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_attachment_ticket_role", "attachment", ["ticket_id", "role"], unique=False)
    op.create_index("ix_attachment_message", "attachment", ["message_key"], unique=False)
    op.create_table(
        "categorypolicy",
        sa.Column("community_id", _S(length=64), nullable=False),
        sa.Column("category", _S(length=32), nullable=False),
        sa.Column("photo_required", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("community_id", "category"),
    )
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.add_column(sa.Column("image_id", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outboxmessage", schema=None) as batch_op:
        batch_op.drop_column("image_id")
    op.drop_table("categorypolicy")
    op.drop_index("ix_attachment_message", table_name="attachment")
    op.drop_index("ix_attachment_ticket_role", table_name="attachment")
    op.drop_table("attachment")
