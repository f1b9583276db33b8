"""The interactive console: one line in, one response out, driving the same service as the chat bots.

Any line that is not a command is the answer to the current question. To answer with text that starts
with a command word, prefix it with `>` (`> skip connections help gradients flow`); a command can always
be forced with `/` (`/hint`). With piped stdin nothing blocks and no prompt is printed, so a session can
be scripted one line per answer; end of input ends the session cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shlex
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO

from bot.console import render
from bot.core.errors import CoreError, InvalidInput, StorageUnavailable
from bot.core.model import Player
from bot.core.selection import parse_difficulty
from bot.core.service import PracticeService

log = logging.getLogger(__name__)

MAX_LINE = 8000
HELP = """Commands:
  quiz [topic] [difficulty] [count]   start a quiz (e.g. `quiz cnn senior 3`, `quiz`)
  review [count]                      practise questions due for review
  hint | skip | stop                  a hint (costs points), skip the question, end the quiz
  stats                               your points, streak, accuracy by topic, due reviews
  leaderboard [window] [topic]        window: day, week, month, all
  chart FILE                          save your progress chart as a PNG
  appeal REASON                       contest the grade of your last answer
  group join NAME | group leave       join or leave a group of your team
  help | quit
Anything else answers the current question (start it with `>` if it begins with a command word)."""

# Commands whose bare word alone is the command; with more words the line is an answer, so an answer
# like "skip connections ..." is not mistaken for a command.
BARE_ONLY = {"hint", "skip", "stop", "stats", "help", "quit", "exit", "current"}
WITH_ARGS = {"quiz", "review", "leaderboard", "chart", "appeal", "group"}


class ConsoleSession:
    def __init__(
        self, service: PracticeService, player: Player, out: TextIO, interactive: bool = False
    ) -> None:
        self.service = service
        self.player = player
        self.out = out
        self.interactive = interactive
        self.handlers: dict[str, Callable[[list[str], str], Awaitable[str | None]]] = {
            "quiz": self._quiz, "review": self._review, "hint": self._hint, "skip": self._skip,
            "stop": self._stop, "stats": self._stats, "leaderboard": self._leaderboard, "chart": self._chart,
            "appeal": self._appeal, "group": self._group, "help": self._help, "current": self._current,
        }

    def say(self, text: str) -> None:
        self.out.write(text.rstrip("\n") + "\n")
        self.out.flush()

    # --- the loop ---------------------------------------------------------------------------------

    async def run(self, stream: TextIO) -> int:
        """Read lines until `quit` or end of input; returns the exit code (0)."""
        if self.interactive:
            self.say(f"interview-bot console — practising as {self.player.display_name}. Type `help`.")
        lines = _read_lines(stream)
        while True:
            if self.interactive:
                self.out.write("> ")
                self.out.flush()
            line = await lines.get()
            if not line:
                if self.interactive:
                    self.say("")
                return 0
            if not await self.handle(line):
                return 0

    async def handle(self, raw: str) -> bool:
        """Answer one line; False when the session should end."""
        line = raw.replace("\r", "").strip()[:MAX_LINE]
        if not line:
            return True
        word, _, rest = line.partition(" ")
        forced = word.startswith("/")
        command = word.lstrip("/").lower()
        if command in ("quit", "exit") and (forced or not rest):
            return False
        response: str | None
        try:
            if line.startswith(">"):
                response = await self._answer(line[1:].strip())
            elif command in self.handlers and (forced or command in WITH_ARGS or not rest.strip()):
                response = await self.handlers[command](_split(rest), rest.strip())
            else:
                response = await self._answer(line)
        except StorageUnavailable as err:
            response = f"error: {err.message}"
            if err.unsaved_answer:
                response = f"{response}\nYour answer was: {err.unsaved_answer[:500]}"
        except CoreError as err:
            response = err.message
        except Exception:  # an unexpected bug: say so, keep the session alive
            # The line may be an answer: its text is only logged at DEBUG (logs must not hold answers).
            log.exception("console command %r failed (%d characters)",
                          command if command in self.handlers else "answer", len(line))
            log.debug("the failed console line: %r", line[:200])
            response = "error: something went wrong on our side; the problem was logged. Try again."
        if response:
            self.say(response)
        return True

    # --- commands ---------------------------------------------------------------------------------

    async def _answer(self, text: str) -> str:
        feedback = await self.service.submit(self.player, text)
        parts = [render.feedback_text(feedback)]
        if feedback.next_question is not None:
            parts.append("\n" + render.question_text(feedback.next_question))
        return "\n".join(parts)

    async def _quiz(self, args: list[str], _rest: str) -> str:
        topic: str | None = None
        difficulty: str | None = None
        count: str | None = None
        for arg in args:
            if arg.isdigit() or (arg.startswith("-") and arg[1:].isdigit()):
                count = arg
            elif difficulty is None and _is_difficulty(arg):
                difficulty = arg
            elif topic is None:
                topic = arg
            else:
                raise InvalidInput("Use `quiz [topic] [difficulty] [count]`, e.g. `quiz cnn senior 3`.")
        view = await self.service.start_quiz(self.player, topic, difficulty, None, count)
        return render.question_text(view)

    async def _review(self, args: list[str], _rest: str) -> str:
        if len(args) > 1 or (args and not args[0].isdigit()):
            raise InvalidInput("Use `review [count]`; to answer with such text, start the line with `>`.")
        return render.question_text(await self.service.start_review(self.player, args[0] if args else None))

    async def _current(self, _args: list[str], _rest: str) -> str:
        return render.question_text(await self.service.current_question(self.player))

    async def _hint(self, _args: list[str], _rest: str) -> str:
        return render.hint_text(await self.service.hint(self.player))

    async def _skip(self, _args: list[str], _rest: str) -> str:
        result = await self.service.skip(self.player)
        lines = []
        if result.skipped_question is not None:
            lines.append(render.wrap("Skipped. Answer: " + render.answer_of(result.skipped_question)))
        if result.next_question is not None:
            lines.append("\n" + render.question_text(result.next_question))
        elif result.summary is not None:
            lines.append(render.summary_text(result.summary))
        return "\n".join(lines)

    async def _stop(self, _args: list[str], _rest: str) -> str:
        return render.summary_text(await self.service.stop(self.player))

    async def _stats(self, _args: list[str], _rest: str) -> str:
        return render.stats_text(await self.service.stats(self.player))

    async def _leaderboard(self, args: list[str], _rest: str) -> str:
        if len(args) > 2:
            raise InvalidInput("Use `leaderboard [window] [topic]`, e.g. `leaderboard week cnn`.")
        window = args[0] if args else None
        topic = args[1] if len(args) > 1 else None
        return render.leaderboard_text(await self.service.leaderboard(self.player, window, topic))

    async def _chart(self, _args: list[str], rest: str) -> str:
        if not rest:
            raise InvalidInput("Use `chart FILE`, e.g. `chart progress.png`.")
        from bot.charts import progress_chart

        stats = await self.service.stats(self.player)
        path = Path(rest.strip().strip("'\"")).expanduser()
        if path.suffix.lower() != ".png":
            path = path.with_name(path.name + ".png")
        data = await asyncio.to_thread(progress_chart, stats)
        try:
            await asyncio.to_thread(path.write_bytes, data)
        except OSError as err:
            raise InvalidInput(f"Cannot write {str(path)[:200]}: {err.strerror or err}") from None
        return f"Progress chart saved to {path} ({len(data)} bytes)."

    async def _appeal(self, _args: list[str], rest: str) -> str:
        return render.appeal_text(await self.service.appeal(self.player, rest))

    async def _group(self, args: list[str], rest: str) -> str:
        action = args[0].lower() if args else ""
        if action == "join":
            group = await self.service.join_group(self.player, rest.partition(" ")[2])
            return f"You are now in group {group.name!r}."
        if action == "leave":
            return f"You left group {(await self.service.leave_group(self.player)).name!r}."
        raise InvalidInput("Use `group join NAME` or `group leave`.")

    async def _help(self, _args: list[str], _rest: str) -> str:
        return HELP


def _read_lines(stream: TextIO) -> asyncio.Queue[str]:
    """Lines of `stream` ("" at the end), read by a daemon thread: a blocking read never holds up the
    event loop, and Ctrl-C or `quit` can end the process without waiting for another line."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str] = asyncio.Queue()

    def pump() -> None:
        try:
            for line in iter(stream.readline, ""):
                loop.call_soon_threadsafe(queue.put_nowait, line)
            loop.call_soon_threadsafe(queue.put_nowait, "")
        except (RuntimeError, ValueError, OSError, UnicodeDecodeError):
            # The loop closed (the session ended first) or stdin broke: end the session.
            with contextlib.suppress(RuntimeError):
                loop.call_soon_threadsafe(queue.put_nowait, "")

    threading.Thread(target=pump, name="console-stdin", daemon=True).start()
    return queue


def _split(rest: str) -> list[str]:
    try:
        return shlex.split(rest)
    except ValueError:
        return rest.split()


def _is_difficulty(text: str) -> bool:
    try:
        return parse_difficulty(text) is not None
    except InvalidInput:
        return False
