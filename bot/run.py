"""`interview-bot run`: every configured platform, the daily scheduler and `/healthz` + `/metrics` on
one event loop.

Discord runs when `INTERVIEW_BOT_DISCORD__TOKEN` is set, Slack when `INTERVIEW_BOT_SLACK__BOT_TOKEN` (or
`SLACK_BOT_TOKEN`) is set, in HTTP or Socket Mode. Settings are checked before anything opens: each
missing or invalid value is named and the command exits 2. The database is migrated on start. The
scheduler only schedules channels of the platforms that started, so a Slack-only process never claims a
Discord day; with the leader lock only one process per platform schedules (`bot.schedule_runner`).

Shutdown on SIGTERM or SIGINT goes in the order that leaves nothing half done: the scheduler stops firing
and drops queued posts (the next start catches them up), posts in flight get the drain timeout to finish
(then they are cancelled, which gives their claims back), and only then do the platform connections, the
health server and the database close.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, TextIO

from bot.core.errors import CoreError

if TYPE_CHECKING:
    from bot.app import App
    from bot.config import DiscordSection, Settings
    from bot.core.ports import Clock
    from bot.observability.health import HealthChecks
    from bot.observability.metrics import BotMetrics
    from bot.schedule_runner import SchedulerRunner

log = logging.getLogger("bot.run")

READY_TIMEOUT = 60.0


class StartupError(Exception):
    """A part could not start; the message is shown to the operator as is."""


@dataclass
class Running:
    """A started part: `stop()` closes it; `task` ends if the platform dies on its own."""

    name: str
    stop: Callable[[], Awaitable[object]]
    task: asyncio.Task[object] | None = None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "run",
        help="run the bot: Discord and/or Slack, the daily question scheduler, /healthz and /metrics",
        description="Start every configured platform (Discord: INTERVIEW_BOT_DISCORD__TOKEN; Slack: "
        "INTERVIEW_BOT_SLACK__BOT_TOKEN with __SIGNING_SECRET, or __APP_TOKEN in socket mode), the daily "
        "scheduler and the health/metrics endpoint; stop cleanly on SIGTERM or Ctrl-C. "
        "`interview-bot config check` lists every setting.",
    )
    parser.set_defaults(func=_command)


def _command(_args: argparse.Namespace) -> int:
    from bot.observability.logs import configure_logging

    settings = _load(sys.stderr)
    if settings is None:
        return 2
    section = settings.logging
    configure_logging(section.level, section.json_lines, section.timezone, settings.secret_values())
    return asyncio.run(run_bot(settings))


def _load(out: TextIO) -> Settings | None:
    from pydantic import ValidationError

    from bot.config import load_settings
    from bot.config_check import describe_errors

    try:
        return load_settings()
    except ValidationError as error:
        for line in describe_errors(error):
            print(f"interview-bot run: {line}", file=out)
        return None


async def run_bot(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    stop: asyncio.Event | None = None,
    err: TextIO | None = None,
    metrics: BotMetrics | None = None,
) -> int:
    """Run until `stop` is set (SIGTERM/SIGINT set it) or a platform dies; returns the exit code:
    0 after a requested stop, 1 when something failed while starting or running, 2 for a configuration
    problem (each one printed on `err`)."""
    from bot.app import build_app
    from bot.config_check import problems, warnings
    from bot.observability.metrics import BotMetrics

    out = err or sys.stderr
    effective = settings or _load(out)
    if effective is None:
        return 2
    found = problems(effective)
    for problem in found:
        print(f"interview-bot run: {problem}", file=out)
    if found:
        return 2
    for warning in warnings(effective):
        log.warning("%s", warning)
    chosen = metrics or BotMetrics(effective.grading.slow_ms)
    counter = chosen.error_counter()
    logging.getLogger().addHandler(counter)
    try:
        try:
            app = await build_app(effective, clock, metrics=chosen)
        except CoreError as error:
            print(f"interview-bot run: {error.message}", file=out)
            return 1
        requested = stop or asyncio.Event()
        with _signals(requested):
            return await _serve(app, chosen, requested, out)
    finally:
        logging.getLogger().removeHandler(counter)


async def _serve(app: App, metrics: BotMetrics, requested: asyncio.Event, out: TextIO) -> int:
    from bot.observability.health import HealthChecks, database_check, info_check, starting_check

    settings = app.settings
    health = HealthChecks()
    health.add("database", database_check(app.database))
    for name, wanted in (("discord", settings.discord.enabled), ("slack", settings.slack.enabled),
                         ("scheduler", settings.scheduler.enabled)):
        if wanted:  # /healthz says 503 "starting" until the part is up
            health.add(name, starting_check(name))
    started: list[Running] = []
    runner: SchedulerRunner | None = None
    code = 0
    try:
        if settings.observability.enabled and not _shares_slack_server(settings):
            started.append(await _start_observability(health, metrics, settings))
        if settings.discord.enabled:
            started.append(await _start_discord(app, settings, health))
        if settings.slack.enabled:
            started.append(await _start_slack(app, settings, health, metrics))
        platforms = [r.name for r in started if r.name in ("discord", "slack")]
        if settings.scheduler.enabled:
            runner = _scheduler_runner(app, metrics, platforms)
            await runner.start()
            health.add("scheduler", info_check(runner.describe))
        log.info("running: %s; daily scheduler %s", ", ".join(platforms),
                 "on" if runner is not None else "off in this process")
        stopping: asyncio.Task[object] = asyncio.create_task(requested.wait())
        watched: set[asyncio.Task[object]] = {r.task for r in started if r.task is not None}
        done, _ = await asyncio.wait({stopping, *watched}, return_when=asyncio.FIRST_COMPLETED)
        stopping.cancel()
        if not requested.is_set():
            failed = next(r for r in started if r.task in done)
            print(f"interview-bot run: {failed.name} stopped unexpectedly: {_failure(failed.task)}", file=out)
            code = 1
    except StartupError as error:
        print(f"interview-bot run: {error}", file=out)
        code = 1
    except CoreError as error:  # e.g. the database went away while starting the scheduler
        print(f"interview-bot run: {error.message}", file=out)
        code = 1
    except Exception:
        log.exception("the bot stopped on an unexpected error")
        code = 1
    finally:
        if runner is not None:
            cancelled = await runner.stop()
            if cancelled:
                log.warning("%d daily post(s) did not finish in time; their claims were given back for a "
                            "retry", cancelled)
        for running in reversed(started):
            with contextlib.suppress(Exception):
                await running.stop()
        await app.close()
    return code


def _scheduler_runner(app: App, metrics: BotMetrics, platforms: list[str]) -> SchedulerRunner:
    from bot.schedule_runner import SchedulerRunner

    section = app.settings.scheduler
    return SchedulerRunner(
        app.service, section.scheduler_settings(), platforms,
        leader_lock=section.leader_lock, retry_seconds=section.leader_retry_seconds, url=app.database.url,
        on_outcome=metrics.daily_post, on_leader=metrics.set_leader,
    )


def _shares_slack_server(settings: Settings) -> bool:
    """Whether `/healthz` and `/metrics` go on Slack's HTTP server (same host and port)."""
    slack, seen = settings.slack, settings.observability
    return (slack.enabled and slack.mode == "http" and seen.port != 0
            and (seen.host, seen.port) == (slack.http_host, slack.http_port))


def _failure(task: asyncio.Task[object] | None) -> str:
    if task is None or task.cancelled():
        return "cancelled"
    error = task.exception()
    return f"{type(error).__name__}: {error}" if error else "it returned"


async def _start_observability(health: HealthChecks, metrics: BotMetrics, settings: Settings) -> Running:
    from bot.observability.server import serve_observability

    seen = settings.observability
    try:
        served = await serve_observability(health, metrics, seen.host, seen.port)
    except OSError as error:
        raise StartupError(
            f"cannot serve /healthz and /metrics on {seen.host}:{seen.port} ({error.strerror or error}); "
            "set INTERVIEW_BOT_OBSERVABILITY__PORT (0 picks a free port) or __ENABLED=false"
        ) from None
    return Running("observability", served.stop)


def point_discord_at(section: DiscordSection) -> None:
    """Send discord.py's REST calls and gateway connection to the configured addresses (a fake Discord
    in tests, or a proxy). discord.py keeps both as class attributes, so this is process-wide."""
    import discord
    import yarl

    if section.api_base_url:
        discord.http.Route.BASE = section.api_base_url.rstrip("/")
    if section.gateway_url:
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(section.gateway_url)


async def _start_discord(app: App, settings: Settings, health: HealthChecks) -> Running:
    import discord

    from bot.discord_adapter import build_discord_client
    from bot.observability.health import discord_check

    point_discord_at(settings.discord)
    try:
        chosen = settings.discord.adapter_settings(settings.resolved_data_dir() / "discord")
    except CoreError as error:
        raise StartupError(f"Discord: {error.message}") from None
    client = build_discord_client(app.service, chosen)
    task: asyncio.Task[object] = asyncio.create_task(client.start(chosen.token), name="discord")
    ready = asyncio.create_task(client.wait_until_ready())
    done, _ = await asyncio.wait({task, ready}, timeout=READY_TIMEOUT, return_when=asyncio.FIRST_COMPLETED)

    async def stop() -> None:
        health.remove("discord")
        await client.close()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(task, 10)

    if ready not in done:
        ready.cancel()
        await stop()
        if task in done and isinstance(task.exception(), discord.LoginFailure):
            raise StartupError("Discord refused the token (INTERVIEW_BOT_DISCORD__TOKEN).")
        reason = _failure(task) if task.done() else f"not ready after {READY_TIMEOUT:.0f} s"
        raise StartupError(f"Discord could not start: {reason}")
    health.add("discord", discord_check(client))
    log.info("connected to Discord%s", f" (shards {chosen.shard_ids})" if chosen.shard_ids else "")
    return Running("discord", stop, task)


async def _start_slack(app: App, settings: Settings, health: HealthChecks, metrics: BotMetrics) -> Running:
    from bot.observability.health import http_server_check, slack_socket_check
    from bot.observability.server import add_routes, serve
    from bot.slack_adapter.app import build_slack_app
    from bot.slack_adapter.transport import connect_socket_mode

    slack_settings = settings.slack
    slack = build_slack_app(app.service, slack_settings)
    try:
        if slack_settings.mode == "socket":
            handler = await connect_socket_mode(slack, slack_settings)
            health.add("slack", slack_socket_check(handler))
            log.info("connected to Slack over Socket Mode")
            return Running("slack", handler.close_async)
        application = slack.web_app(path=slack_settings.http_path)
        if _shares_slack_server(settings):
            add_routes(application, health, metrics)
        else:  # a load balancer checks the Slack port; metrics stay on the private observability port
            add_routes(application, health, None)
        served = await serve(application, slack_settings.http_host, slack_settings.http_port)
    except OSError as error:
        raise StartupError(f"Slack could not start: {error}") from None
    health.add("slack", http_server_check(lambda: served.listening, "Slack HTTP"))
    log.info("Slack requests are served at %s%s", served.url, slack_settings.http_path)
    return Running("slack", served.stop)


@contextlib.contextmanager
def _signals(requested: asyncio.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set `requested` (where the loop supports signal handlers)."""
    loop = asyncio.get_running_loop()
    installed = []
    for sig in (signal.SIGTERM, signal.SIGINT):
        try:
            loop.add_signal_handler(sig, requested.set)
            installed.append(sig)
        except (NotImplementedError, RuntimeError, ValueError):
            pass
    try:
        yield None
    finally:
        for sig in installed:
            loop.remove_signal_handler(sig)
