"""需求征集 (issue 13, the 需求清单 "collected from tickets and surveys"): staff put a question to the
community's groups, anyone answers with 「建议 N 内容」 (one answer per person, the last kept), and the
summary groups the answers into wishes (nlp.survey) and lists those asked by two or more people in the
需求清单, next to the needs collected from the tickets."""
from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utcnow
from bot.db.models_lists import ListItem, Survey, SurveyAnswer
from bot.errors import DomainError
from bot.services import counters, lists
from bot.services.counters import dialect_insert
from nlp.survey import Wish, group

MAX_QUESTION, MAX_ANSWER = 200, 200
LEAST = 2  # people asking for a wish before it goes into the 需求清单


async def create(*, session: AsyncSession, community_id: str, question: str, actor_id: str) -> Survey:
    number = await counters.next_number(session=session, community_id=community_id, kind="survey")
    survey = Survey(community_id=community_id, number=number, question=question[:MAX_QUESTION], created_by=actor_id)
    session.add(survey)
    await session.flush()
    return survey


async def get(*, session: AsyncSession, community_id: str, number: int) -> Survey:
    survey = await session.scalar(select(Survey).where(Survey.community_id == community_id, Survey.number == number))
    if survey is None:
        raise DomainError("survey_not_found", number=number)
    return survey


async def answer(*, session: AsyncSession, survey: Survey, person_id: str, text: str) -> bool:
    """Store (or replace) this person's answer; True when it replaced an earlier one."""
    if not survey.open:
        raise DomainError("survey_closed", number=survey.number)
    text = text.strip()[:MAX_ANSWER]
    had = await session.scalar(select(SurveyAnswer.id).where(SurveyAnswer.survey_id == survey.id,
                                                             SurveyAnswer.person_id == person_id))
    stmt = dialect_insert(session)(SurveyAnswer).values(survey_id=survey.id, person_id=person_id, text=text,
                                                        created_at=utcnow())
    await session.execute(stmt.on_conflict_do_update(index_elements=["survey_id", "person_id"],
                                                     set_={"text": text, "created_at": utcnow()}))
    return had is not None


async def open_surveys(*, session: AsyncSession, community_id: str) -> list[tuple[Survey, int]]:
    rows = await session.execute(
        select(Survey, func.count(SurveyAnswer.id)).outerjoin(SurveyAnswer, SurveyAnswer.survey_id == Survey.id)
        .where(Survey.community_id == community_id, Survey.open.is_(True))
        .group_by(Survey.id).order_by(Survey.number))
    return [(s, int(n)) for s, n in rows.all()]


async def wishes(*, session: AsyncSession, survey: Survey) -> tuple[list[Wish], int]:
    """The answers grouped into wishes, most asked first; and how many people answered."""
    texts = list(await session.scalars(select(SurveyAnswer.text).where(SurveyAnswer.survey_id == survey.id)
                                       .order_by(SurveyAnswer.id)))
    return group(texts), len(texts)


async def to_needs(*, session: AsyncSession, survey: Survey, found: list[Wish], actor_id: str,
                   title_of, detail_of) -> list[tuple[ListItem, int, bool]]:
    """Wishes asked by ``LEAST`` people or more into the 需求清单 (a wish already listed from this survey
    is refreshed, not repeated). Returns (item, people, new)."""
    out = []
    for wish in found:
        if len(wish.members) < LEAST:
            continue
        title, detail = title_of(wish), detail_of(wish)
        item = await session.scalar(select(ListItem).where(
            ListItem.community_id == survey.community_id, ListItem.kind == "need", ListItem.title == title,
            ListItem.active.is_(True)))
        if item is not None:
            item.detail = detail
            out.append((item, len(wish.members), False))
            continue
        item = await lists.add(session=session, community_id=survey.community_id, kind="need", title=title,
                               detail=detail, provider_id=None, actor_id=actor_id)
        out.append((item, len(wish.members), True))
    await session.flush()
    return out


async def close(*, session: AsyncSession, survey: Survey) -> None:
    if not survey.open:
        raise DomainError("survey_closed", number=survey.number)
    survey.open = False
    await session.flush()
