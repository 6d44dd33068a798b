"""``GET /metrics`` in the Prometheus text format (bot/metrics.py says what is in it).

Who may scrape (checked in bot/web/auth.py): with ``METRICS_TOKEN`` set, ``Authorization: Bearer
<METRICS_TOKEN>``; without it, a loopback peer with no proxy header (a Prometheus on the same
machine, or a sidecar). The metrics hold counts only, but per-community ticket counts are not for
the world, and ``API_TOKEN`` opens residents' data, so it is not handed to a scraper.
"""
from __future__ import annotations

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from bot import metrics
from bot.services import observed

SNAPSHOT_TTL_SECONDS = 5.0
COLLECTOR = web.AppKey("metrics_collector", metrics.DatabaseCollector)


async def get_metrics(request: web.Request) -> web.Response:
    from bot.web.app import RUNTIME

    collector = request.app[COLLECTOR]
    if collector.stale(SNAPSHOT_TTL_SECONDS):
        async with request.app[RUNTIME].db.sessions() as session:
            collector.update(await observed.snapshot(session=session))
    body = generate_latest(metrics.REGISTRY) + generate_latest(_Only(collector))
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


class _Only:
    """A registry-like object exposing one collector (generate_latest only calls collect())."""

    def __init__(self, collector: metrics.DatabaseCollector) -> None:
        self.collector = collector

    def collect(self):
        return self.collector.collect()


async def _loop_lag(app: web.Application):
    """The event-loop lag probe (bot/loop_lag.py) runs while the web server does."""
    from bot.loop_lag import LoopLagProbe

    probe = LoopLagProbe()
    probe.start()
    yield
    await probe.stop()


def add_routes(app: web.Application) -> None:
    app[COLLECTOR] = metrics.DatabaseCollector()
    app.router.add_get("/metrics", get_metrics)
    app.cleanup_ctx.append(_loop_lag)
