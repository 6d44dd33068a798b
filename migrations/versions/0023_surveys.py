"""需求征集: survey and survey_answer (issue 13, the 需求清单 from surveys)

Revision ID: 0023
Revises: 0022
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

S = sqlmodel.sql.sqltypes.AutoString
T = sqlmodel.sql.sqltypes.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "survey",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("community_id", S(length=64), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("question", S(length=200), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
        sa.Column("created_by", S(length=128), nullable=True),
        sa.Column("created_at", T(), nullable=False),
        sa.ForeignKeyConstraint(["community_id"], ["community.id"]),
        sa.ForeignKeyConstraint(["created_by"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("community_id", "number", name="uq_survey_number"),
    )
    op.create_index("ix_survey_community_id", "survey", ["community_id"])
    op.create_table(
        "survey_answer",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=False),
        sa.Column("person_id", S(length=128), nullable=False),
        sa.Column("text", S(length=200), nullable=False),
        sa.Column("created_at", T(), nullable=False),
        sa.ForeignKeyConstraint(["survey_id"], ["survey.id"]),
        sa.ForeignKeyConstraint(["person_id"], ["person.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("survey_id", "person_id", name="uq_survey_answer_person"),
    )
    op.create_index("ix_survey_answer_survey_id", "survey_answer", ["survey_id"])


def downgrade() -> None:
    op.drop_index("ix_survey_answer_survey_id", table_name="survey_answer")
    op.drop_table("survey_answer")
    op.drop_index("ix_survey_community_id", table_name="survey")
    op.drop_table("survey")
