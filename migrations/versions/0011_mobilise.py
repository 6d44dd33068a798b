"""mobilisation: roll calls (集结), their answers, 战时 mode, 签退 on activities,
community rules with their versions, teams (issue 17)

Revision ID: 0011
Revises: 0012

Hand-written for this area's tables only.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0011"
down_revision = "0012"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "roll_call",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", S(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("scope", S(length=32), nullable=False),
        sa.Column("starts_at", T(), nullable=False),
        sa.Column("place", S(length=60), nullable=False),
        sa.Column("quota", sa.Integer(), nullable=False),
        sa.Column("note", S(length=200), nullable=False),
        sa.Column("urgent", sa.Boolean(), nullable=False),
        sa.Column("accepted", sa.Integer(), nullable=False),
        sa.Column("status", S(length=16), nullable=False),
        sa.Column("remind_minutes", sa.Integer(), nullable=False),
        sa.Column("created_by", S(), nullable=True),
        sa.Column("created_at", T(), nullable=False),
        sa.Column("closed_at", T(), nullable=True),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("community_id", "number", name="uq_roll_call_number"),
    )
    op.create_table(
        "roll_call_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("roll_call_id", sa.Integer(), nullable=False),
        sa.Column("person_id", S(length=128), nullable=False),
        sa.Column("answer", S(length=16), nullable=False),
        sa.Column("answered_at", T(), nullable=True),
        sa.Column("arrived_at", T(), nullable=True),
        sa.Column("arrived_place", S(length=60), nullable=True),
        sa.Column("minutes", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["roll_call_id"], ["roll_call.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("roll_call_id", "person_id", name="uq_roll_call_person"),
    )
    op.create_index("ix_roll_call_answer_roll_call_id", "roll_call_answer", ["roll_call_id"])
    op.create_index("ix_roll_call_answer_person_id", "roll_call_answer", ["person_id"])
    op.create_table(
        "wartime_mode",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", S(length=64), nullable=False),
        sa.Column("reason", S(length=200), nullable=False),
        sa.Column("started_by", S(), nullable=True),
        sa.Column("started_at", T(), nullable=False),
        sa.Column("ended_by", S(), nullable=True),
        sa.Column("ended_at", T(), nullable=True),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"]),
        sa.ForeignKeyConstraint(["started_by"], ["person.id"]),
        sa.ForeignKeyConstraint(["ended_by"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_wartime_mode_community_id", "wartime_mode", ["community_id"])
    op.create_table(
        "community_rule",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", S(length=64), nullable=False),
        sa.Column("rule_key", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", S(length=30), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("per_hour", sa.Boolean(), nullable=False),
        sa.Column("note", S(length=100), nullable=False),
        sa.Column("status", S(length=16), nullable=False),
        sa.Column("current", sa.Boolean(), nullable=False),
        sa.Column("created_by", S(), nullable=True),
        sa.Column("created_at", T(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("community_id", "rule_key", "version", name="uq_community_rule_version"),
    )
    op.create_index("ix_community_rule_community_id", "community_rule", ["community_id"])
    op.create_table(
        "team",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", S(length=64), nullable=False),
        sa.Column("name", S(length=30), nullable=False),
        sa.Column("leader_id", S(length=128), nullable=False),
        sa.Column("created_by", S(), nullable=True),
        sa.Column("created_at", T(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"]),
        sa.ForeignKeyConstraint(["leader_id"], ["person.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("community_id", "name", name="uq_team_name"),
    )
    op.create_table(
        "team_member",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("person_id", S(length=128), nullable=False),
        sa.ForeignKeyConstraint(["team_id"], ["team.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "person_id", name="uq_team_member"),
    )
    op.create_index("ix_team_member_team_id", "team_member", ["team_id"])
    with op.batch_alter_table("activitysignup", schema=None) as batch_op:  # 签退: service hours
        batch_op.add_column(sa.Column("left_at", T(), nullable=True))
        batch_op.add_column(sa.Column("minutes", sa.Integer(), nullable=True))


def downgrade() -> None:
    op.drop_table("team_member")
    op.drop_table("team")
    op.drop_table("community_rule")
    with op.batch_alter_table("activitysignup", schema=None) as batch_op:
        batch_op.drop_column("minutes")
        batch_op.drop_column("left_at")
    op.drop_table("wartime_mode")
    op.drop_table("roll_call_answer")
    op.drop_table("roll_call")
