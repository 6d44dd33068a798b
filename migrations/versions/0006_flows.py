"""conversation flows: one open flow per person and conversation (issue 10)

Pending confirmations were keyed by (person, kind); flows are keyed by (person,
conversation). Live rows are kept: their conversation is their room, or "private".

Revision ID: 0006
Revises: 0005
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("pendingaction") as batch:
        batch.add_column(sa.Column("conversation", sqlmodel.sql.sqltypes.AutoString(length=128),
                                   nullable=False, server_default="private"))
    op.execute("UPDATE pendingaction SET conversation = room_id WHERE room_id IS NOT NULL")
    # Two old kinds in one conversation: keep the newest.
    op.execute("""DELETE FROM pendingaction WHERE id IN (
        SELECT a.id FROM pendingaction a JOIN pendingaction b
          ON a.person_id = b.person_id AND a.conversation = b.conversation AND a.id < b.id)""")
    with op.batch_alter_table("pendingaction") as batch:
        batch.drop_constraint("uq_pending_person_kind", type_="unique")
        batch.create_unique_constraint("uq_pending_person_conversation", ["person_id", "conversation"])
        batch.alter_column("conversation", server_default=None)


def downgrade() -> None:
    with op.batch_alter_table("pendingaction") as batch:
        batch.drop_constraint("uq_pending_person_conversation", type_="unique")
        batch.create_unique_constraint("uq_pending_person_kind", ["person_id", "kind"])
        batch.drop_column("conversation")
