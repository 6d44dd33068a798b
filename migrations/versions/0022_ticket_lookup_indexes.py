"""tickets: indexes for the duplicate check's two lookups (issue 15, the soak)

Revision ID: 0022
Revises: 0019

The duplicate check asked for "open tickets of this grid, or this person's own" in one query;
the OR (with an EXISTS over watchers) made both databases read every active ticket of the
community. It is now two queries, each walking an index newest first and stopping at its limit.
"""
from alembic import op

revision = "0022"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_ticket_grid", "ticket", ["community_id", "grid_id", "id"])
    op.create_index("ix_ticket_reporter", "ticket", ["reporter_id", "id"])
    op.create_index("ix_watcher_person", "ticketwatcher", ["person_id"])


def downgrade() -> None:
    op.drop_index("ix_watcher_person", table_name="ticketwatcher")
    op.drop_index("ix_ticket_reporter", table_name="ticket")
    op.drop_index("ix_ticket_grid", table_name="ticket")
