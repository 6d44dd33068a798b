"""An optional large-model second opinion (issue 11): an OpenAI-compatible chat-completions
endpoint (a hosted Qwen/DeepSeek/GLM, or a local vLLM/Ollama), off unless LLM_URL is set.

Asked only about a message the classifier is unsure of (intent ``unsure``) and, with
LLM_CHECK_URGENCY, about a demand it did not find urgent. What is sent is the fixed
``SYSTEM`` prompt and ``nlp.redact.redact(text)``: no names, phone or ID numbers, plates or
flat numbers, no community, no sender. The answer must be exactly
``{"category": <taxonomy code>, "demand": "yes"|"no", "urgent": "yes"|"no"}``.

The rules' (and model's) result is what intake uses whenever the endpoint is slow
(LLM_TIMEOUT, at most 2 s), fails, answers anything else, or the day's budget
(LLM_DAILY_BUDGET requests, per process) is spent. The answer can:
- for an unsure message: make it a demand (with the answer's category unless a community
  correction chose one, and urgent if it says so), or let it pass as chat when it is not urgent;
- for a demand: only make it urgent.
It never lowers an urgency: a danger flag (nlp.danger) stays. Answers are cached by a hash of
the redacted text, so the same words are never sent twice.

The dispatcher asks (``ask_ahead``) before it opens the message's transaction, so a slow endpoint
never holds a database transaction (on SQLite, the one writer) for its up to 2 s; inside the
transaction ``second_opinion`` then uses that answer and sends nothing.
"""
from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import re
from collections import OrderedDict
from contextvars import ContextVar
from dataclasses import dataclass, replace

import aiohttp

import nlp
from bot import clock
from nlp.correction_words import CATEGORY_WORDS
from nlp.corrections import EVIDENCE as CORRECTION_EVIDENCE
from nlp.redact import redact

log = logging.getLogger(__name__)
CATEGORIES = tuple(CATEGORY_WORDS)
CACHE_SIZE = 2048
MAX_CHARS = 500  # of the redacted message
SYSTEM = (
    "You label one message from a Chinese residential community group chat. Answer with one JSON object "
    'and nothing else: {"category": C, "demand": "yes" or "no", "urgent": "yes" or "no"}. '
    "demand: yes when someone reports a problem or asks the community for help that someone must act on; "
    "no for greetings, thanks, chat, notices, forwards, adverts, questions about opening hours. "
    "urgent: yes only for danger to life or property now (fire, smoke, gas smell, someone fallen, trapped "
    "or unresponsive, a child alone in danger, flooding, a structure collapsing, violence); a danger that "
    "is over, past or hypothetical is not urgent. category, one of: "
    "repair (something built is broken), sanitation (rubbish, dirt, pests), greening (trees, lawns), "
    "traffic (roads, parking, manholes), safety (theft, fire risks, gas, falling objects), "
    "dispute (conflicts between people needing mediation), care (help for a vulnerable person), "
    "health (clinics, epidemic control), legal (legal advice, benefits, paperwork), "
    "property (the property company, fees), culture (activities, classes, venues), other."
)
EVIDENCE_DEMAND, EVIDENCE_CHAT, EVIDENCE_URGENT = "大模型:诉求", "大模型:非诉求", "大模型:紧急"
_FENCE = re.compile(r"^```(?:json)?\s*(.*?)\s*```$", re.S)
# (text, the answer or None) asked before this message's transaction (handlers.demands.ask_ahead
# clears it first for every message, and an answer is used only for the same text)
AHEAD: ContextVar[tuple[str, "Opinion | None"] | None] = ContextVar("llm_ahead", default=None)


@dataclass(frozen=True)
class Opinion:
    category: str
    demand: bool
    urgent: bool


def parse_answer(content: str) -> Opinion | None:
    """The model's answer if it is exactly the JSON asked for (a ```json fence around it is
    tolerated), else None."""
    text = content.strip()
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(1)
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or set(data) != {"category", "demand", "urgent"}:
        return None
    flags = []
    for key in ("demand", "urgent"):
        value = data[key]
        if isinstance(value, bool):
            flags.append(value)
        elif isinstance(value, str) and value.strip().lower() in ("yes", "no"):
            flags.append(value.strip().lower() == "yes")
        else:
            return None
    if data["category"] not in CATEGORIES:
        return None
    return Opinion(data["category"], flags[0], flags[1])


class Client:
    """One endpoint: its cache and today's budget (kept in this process)."""

    def __init__(self, url: str, model: str, api_key: str | None, timeout: float, budget: int) -> None:
        base = url.rstrip("/")
        self.url = base if base.endswith("/chat/completions") else base + "/chat/completions"
        self.model, self.api_key, self.timeout, self.budget = model, api_key, min(timeout, 2.0), budget
        self.cache: OrderedDict[str, Opinion] = OrderedDict()
        self.day = clock.to_local(clock.utcnow()).date()
        self.spent = 0
        self.requests = 0  # sent since start (for tests and logs)

    def _budget_left(self) -> bool:
        today = clock.to_local(clock.utcnow()).date()
        if today != self.day:
            self.day, self.spent = today, 0
        return self.spent < self.budget

    async def opinion(self, text: str) -> Opinion | None:
        """The model's opinion of the (already redacted) text, or None: fall back to the rules."""
        key = hashlib.sha256(f"{self.model}\n{text}".encode()).hexdigest()
        if key in self.cache:
            self.cache.move_to_end(key)
            return self.cache[key]
        if not self._budget_left():
            return None
        self.spent += 1
        self.requests += 1
        try:
            found = await asyncio.wait_for(self._ask(text), timeout=self.timeout)
        except (asyncio.TimeoutError, aiohttp.ClientError, ValueError, KeyError, IndexError, TypeError) as exc:
            log.info("llm second opinion not used: %s", type(exc).__name__)
            return None
        if found is None:
            log.info("llm second opinion not used: malformed answer")
            return None
        self.cache[key] = found
        if len(self.cache) > CACHE_SIZE:
            self.cache.popitem(last=False)
        return found

    async def _ask(self, text: str) -> Opinion | None:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        body = {"model": self.model, "temperature": 0, "max_tokens": 60,
                "messages": [{"role": "system", "content": SYSTEM}, {"role": "user", "content": text}]}
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout)) as http:
            async with http.post(self.url, json=body, headers=headers) as response:
                if response.status != 200:
                    raise ValueError(f"HTTP {response.status}")
                data = await response.json(content_type=None)
        content = data["choices"][0]["message"]["content"]
        return parse_answer(content) if isinstance(content, str) else None


_clients: dict[tuple, Client] = {}


def client(settings) -> Client | None:
    """The endpoint's client for these settings, or None when the second opinion is off."""
    if not getattr(settings, "llm_url", None):
        return None
    key = (settings.llm_url, settings.llm_model, settings.llm_api_key, settings.llm_timeout,
           settings.llm_daily_budget)
    found = _clients.get(key)
    if found is None:
        found = _clients[key] = Client(settings.llm_url, settings.llm_model, settings.llm_api_key,
                                       settings.llm_timeout, settings.llm_daily_budget)
    return found


def wanted(result: nlp.Classification, settings) -> bool:
    """Is this result one the model is asked about?"""
    if result.intent == "unsure":
        return True
    return result.intent == "demand" and result.urgency != "urgent" and bool(settings.llm_check_urgency)


def combine(result: nlp.Classification, opinion: Opinion | None) -> nlp.Classification:
    """The result with the opinion applied (pure): see the module's docstring for what it may change."""
    if opinion is None:
        return result
    said: list[str] = []
    changes: dict = {}
    if result.intent == "unsure":
        if opinion.demand:
            changes.update(intent="demand", confidence=max(result.confidence, nlp.DEMAND_THRESHOLD))
            if CORRECTION_EVIDENCE["category"] not in result.evidence:
                changes["category"] = opinion.category
            said.append(EVIDENCE_DEMAND)
        elif result.urgency != "urgent":
            changes.update(intent="chat", category=None, urgency=None)
            said.append(EVIDENCE_CHAT)
    if opinion.urgent and result.urgency != "urgent" and changes.get("intent") != "chat":
        changes["urgency"] = "urgent"
        said.append(EVIDENCE_URGENT)
    if not changes:
        return result
    return replace(result, evidence=tuple(dict.fromkeys((*said, *result.evidence)))[:12], **changes)


async def ask_ahead(*, text: str, result: nlp.Classification, settings, names: tuple[str, ...] = ()) -> None:
    """Ask about ``text`` now, outside any transaction, and keep the answer for ``second_opinion``."""
    found = client(settings)
    if found is None:
        return
    opinion = await found.opinion(redact(text, names)[:MAX_CHARS]) if wanted(result, settings) else None
    AHEAD.set((text, opinion))


async def second_opinion(*, text: str, result: nlp.Classification, settings,
                         names: tuple[str, ...] = ()) -> nlp.Classification:
    """``result``, or ``result`` changed by the model's answer when one came in time."""
    found = client(settings)
    if found is None or not wanted(result, settings):
        return result
    ahead = AHEAD.get()
    if ahead is not None and ahead[0] == text:
        return combine(result, ahead[1])  # asked before the transaction: nothing is sent now
    sent = redact(text, names)[:MAX_CHARS]
    return combine(result, await found.opinion(sent))
