"""Prometheus metrics (``GET /metrics``, bot/web/metrics.py).

Counters and histograms live in one registry per process (``REGISTRY``), updated where the
event happens: the dispatcher (messages by kind, handling time), the sender (sent, failures),
the scheduler (how late each job ran), handlers.demands (classifier latency). What the database knows
(tickets by state, the outbox backlog, the oldest due job) is read at scrape time through
services by ``DatabaseCollector`` and cached for ``ttl`` seconds, so a scrape every few seconds
costs a few index-only counts at most.

Names (all prefixed ``gridbot_``):
    messages_handled_total{kind}           command, flow, demand, demand_ask, chat, message,
                                           duplicate, ignored, error
    message_handle_seconds                 histogram, whole dispatcher handling time
    classifier_seconds                     histogram, one nlp.classify call
    outbox_sent_total, outbox_send_failures_total{outcome}  outcome: retried, failed
    scheduler_job_lag_seconds              histogram, how long after its due time a job ran
    scheduler_oldest_due_seconds           gauge, age of the oldest due job not yet run
    tickets{community,status}              gauge
    outbox_rows{status}                    gauge: pending, sending, retrying, failed
    outbox_oldest_due_age_seconds          gauge
    event_loop_lag_seconds, event_loop_lag_max_seconds   bot/loop_lag.py
    account_state{account,state}           gauge, 1 (online, logged_out, limited, banned)
    account_outbox_pending{account}        gauge, rows due to be sent by each account
    account_oldest_due_age_seconds{account} gauge
"""
from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

REGISTRY = CollectorRegistry(auto_describe=True)
FAST = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5)

MESSAGES = Counter("gridbot_messages_handled", "Incoming messages handled, by what they turned out to be",
                   ["kind"], registry=REGISTRY)
HANDLE_SECONDS = Histogram("gridbot_message_handle_seconds", "Time to handle one incoming message",
                           buckets=FAST, registry=REGISTRY)
CLASSIFIER_SECONDS = Histogram("gridbot_classifier_seconds", "Time of one nlp.classify call",
                               buckets=FAST, registry=REGISTRY)
SENT = Counter("gridbot_outbox_sent", "Outbox rows delivered", registry=REGISTRY)
SEND_FAILURES = Counter("gridbot_outbox_send_failures", "Outbox sends that failed (retried later, or for good)",
                        ["outcome"], registry=REGISTRY)
JOB_LAG = Histogram("gridbot_scheduler_job_lag_seconds", "How long after its due time a scheduled job ran",
                    buckets=(1, 5, 15, 30, 60, 120, 300, 900, 3600, 10800), registry=REGISTRY)

MESSAGE_KINDS = ("command", "flow", "demand", "demand_ask", "chat", "message", "duplicate", "ignored", "error")
for _kind in MESSAGE_KINDS:
    MESSAGES.labels(kind=_kind)  # every kind shows (at 0) from the first scrape
for _outcome in ("retried", "failed"):
    SEND_FAILURES.labels(outcome=_outcome)


@contextmanager
def timed(histogram: Histogram) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        histogram.observe(time.perf_counter() - start)


class DatabaseCollector(Collector):
    """Gauges from a snapshot the scrape handler refreshes (collectors cannot await)."""

    def __init__(self) -> None:
        self.snapshot: dict | None = None
        self.taken = 0.0

    def stale(self, ttl: float) -> bool:
        return self.snapshot is None or time.monotonic() - self.taken >= ttl

    def update(self, snapshot: dict) -> None:
        self.snapshot, self.taken = snapshot, time.monotonic()

    def collect(self):
        snap = self.snapshot or {"tickets": [], "outbox": {}, "oldest_job_seconds": 0.0}
        tickets = GaugeMetricFamily("gridbot_tickets", "Tickets by community and state",
                                    labels=["community", "status"])
        for community, status, count in snap["tickets"]:
            tickets.add_metric([community, status], count)
        yield tickets
        rows = GaugeMetricFamily("gridbot_outbox_rows", "Outbox rows not sent yet, by state", labels=["status"])
        for status in ("pending", "sending", "retrying", "failed"):
            rows.add_metric([status], snap["outbox"].get(status, 0))
        yield rows
        yield GaugeMetricFamily("gridbot_outbox_oldest_due_age_seconds", "Age of the oldest row due to be sent",
                                value=snap["outbox"].get("oldest_pending_age_seconds", 0.0))
        yield GaugeMetricFamily("gridbot_scheduler_oldest_due_seconds",
                                "Age of the oldest due scheduled job not run yet (scheduler lag)",
                                value=snap["oldest_job_seconds"])
        # Per platform account (issue 16): its state, its backlog, how long its oldest due row has waited.
        state = GaugeMetricFamily("gridbot_account_state", "1 for the state each account is in",
                                  labels=["account", "state"])
        backlog = GaugeMetricFamily("gridbot_account_outbox_pending", "Rows due to be sent, by account",
                                    labels=["account"])
        oldest = GaugeMetricFamily("gridbot_account_oldest_due_age_seconds",
                                   "Age of the oldest row due to be sent, by account", labels=["account"])
        for account, account_state, count, age in snap.get("accounts", []):
            state.add_metric([account, account_state], 1)
            backlog.add_metric([account], count)
            oldest.add_metric([account], age)
        yield state
        yield backlog
        yield oldest
