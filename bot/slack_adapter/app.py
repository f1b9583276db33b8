"""`build_slack_app`: the one composition function of the Slack adapter.

It builds the Web API client (with slack_sdk's rate-limit retry handler), the bolt AsyncApp for the chosen
transport, the de-duplication middleware, the per-channel post throttle, the admin check, every listener
module, and registers the Slack announcer with the core. `serve_http` / `connect_socket_mode` in
`bot.slack_adapter.transport` then run it.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.core.service import PracticeService
from bot.slack_adapter import actions, commands, events, ids, views
from bot.slack_adapter.admin import AdminCheck
from bot.slack_adapter.announcer import SlackAnnouncer
from bot.slack_adapter.dedupe import dedupe_middleware
from bot.slack_adapter.deps import ChartRenderer, SlackDeps
from bot.slack_adapter.settings import SlackSettings
from bot.slack_adapter.throttle import ChannelThrottle

log = logging.getLogger("bot.slack_adapter")


def _default_chart() -> ChartRenderer:
    from bot.charts import progress_chart

    return progress_chart


def build_client(settings: SlackSettings) -> AsyncWebClient:
    """The Web API client: bot token, configurable base URL, and retries on 429 honouring Retry-After."""
    token = settings.bot_token.get_secret_value() or None
    client = AsyncWebClient(token=token, base_url=settings.api_base_url)
    if settings.rate_limit_retries:
        retries = AsyncRateLimitErrorRetryHandler(max_retry_count=settings.rate_limit_retries)
        client.retry_handlers.append(retries)
    return client


def build_slack_app(
    service: PracticeService,
    settings: SlackSettings,
    *,
    chart: ChartRenderer | bool | None = True,
    client: AsyncWebClient | None = None,
) -> AsyncApp:
    """The Slack app over `service`. HTTP mode verifies request signatures; Socket Mode does not need to.

    Pack administration goes through the service (`/packs` needs it built with `packs=`). `chart` renders
    the `/stats` image (True: `bot.charts`, False/None: no image). `client` replaces the Web API client
    built from the settings. The returned app is not started: see `bot.slack_adapter.transport`.
    """
    web = client or build_client(settings)
    app = AsyncApp(
        client=web,
        signing_secret=settings.signing_secret.get_secret_value(),
        request_verification_enabled=settings.mode == "http",
        process_before_response=False,
        raise_error_for_unhandled_request=False,
        name="interview-bot",
    )
    throttle = ChannelThrottle(rate=settings.post_rate_per_second)
    renderer = _default_chart() if chart is True else (chart or None)
    deps = SlackDeps(
        service=service,
        client=web,
        admin=AdminCheck(web, settings.admin_user_ids),
        throttle=throttle,
        chart=renderer,
    )
    app.middleware(dedupe_middleware(service, timedelta(seconds=settings.dedupe_ttl_seconds)))
    commands.register(app, deps)
    actions.register(app, deps)
    views.register(app, deps)
    events.register(app, deps)

    @app.error
    async def unexpected(error: Exception, body: dict[str, Any]) -> None:
        log.error("unhandled error in a Slack listener (type %s): %r", body.get("type"), error,
                  exc_info=error)

    service.register_announcer(ids.PLATFORM, SlackAnnouncer(web, throttle))
    return app
