"""Quiz sessions: start, current question, submit, hint, skip, stop.

A session is a database row holding the chosen question ids and the position, so a player can close the
terminal (or the bot can restart) and carry on where they were. Review sessions are quizzes whose
questions are the player's due spaced-repetition cards first.
"""

from __future__ import annotations

import dataclasses
from typing import NamedTuple, Protocol, cast, runtime_checkable

from bot.core.context import CoreContext, clean_answer, lane_key, resolve_player
from bot.core.errors import NoActiveQuestion, NoQuestions, StaleQuestion, StorageUnavailable
from bot.core.hints import hint_text, hints_available
from bot.core.model import (
    AttemptMode,
    Player,
    PlayerRecord,
    QuizFilters,
    QuizSession,
    QuizSessionDraft,
    SessionState,
    Team,
)
from bot.core.ports import UnitOfWork
from bot.core.recording import AnswerHistory, record_attempt
from bot.core.scoring import hint_cost
from bot.core.selection import matching, no_questions, parse_count, parse_filters, pick
from bot.core.views import Feedback, HintView, QuestionView, SessionSummary, SkipResult

DEFAULT_QUIZ_COUNT = 5
DEFAULT_REVIEW_COUNT = 10


async def _save(uow: UnitOfWork, session: QuizSession, read: QuizSession) -> QuizSession:
    """Store `session` only if the stored one is still as `read` (compare-and-set): a duplicate submit,
    hint or skip that read the same question as the request that won is refused with `StaleQuestion`
    ("no longer waiting for an answer"), here or, where storage defers the write, at commit; either way
    nothing of it is kept."""
    return await uow.sessions.save(session, expected=read)


class _Active(NamedTuple):
    team: Team
    record: PlayerRecord
    session: QuizSession
    view: QuestionView
    history: AnswerHistory | None


@runtime_checkable
class SessionHistoryQuery(Protocol):
    """Optional extra of the session repository: the player's active session together with the
    `AnswerHistory` of its current question, in one read (one round trip for a quiz answer)."""

    async def active_with_history(self, player_id: int) -> tuple[QuizSession, AnswerHistory] | None: ...


_HISTORY_READERS: dict[type, bool] = {}


def _reads_history(repo: object) -> bool:
    kind = type(repo)
    if kind not in _HISTORY_READERS:
        _HISTORY_READERS[kind] = isinstance(repo, SessionHistoryQuery)
    return _HISTORY_READERS[kind]


def summary_of(session: QuizSession) -> SessionSummary:
    return SessionSummary(
        session_id=session.id,
        state=session.state,
        total=len(session.question_ids),
        answered=session.answered,
        skipped=session.skipped,
        points=session.points,
    )


class Quizzes:
    """Quiz and review use cases; every method is one transaction."""

    def __init__(self, ctx: CoreContext) -> None:
        self.ctx = ctx

    # --- starting ---------------------------------------------------------------------------------

    async def start(
        self,
        player: Player,
        topic: str | None = None,
        difficulty: str | None = None,
        kind: str | None = None,
        count: int | str | None = None,
    ) -> QuestionView:
        """A new quiz of `count` questions matching the filters, unseen questions first; it replaces the
        player's running session. Raises `UnknownTopic`/`InvalidInput` on bad filters, `NoQuestions`."""
        filters = parse_filters(topic, difficulty, kind)
        wanted = parse_count(count, DEFAULT_QUIZ_COUNT)
        candidates = matching(self.ctx.catalog.all(), filters)
        if not candidates:
            raise no_questions(filters)

        async def work(uow: UnitOfWork) -> QuestionView:
            _team, record = await resolve_player(uow, player)
            answered = await uow.attempts.answered_question_ids(record.id)
            chosen = pick(candidates, answered, wanted, self.ctx.rng)
            return await self._open(uow, record, AttemptMode.QUIZ, [q.id for q in chosen], filters)

        return await self.ctx.transact(work, lane_key(player))

    async def start_review(self, player: Player, count: int | str | None = None) -> QuestionView:
        """A review session: due cards (most overdue first), topped up with questions never answered."""
        wanted = parse_count(count, DEFAULT_REVIEW_COUNT)

        async def work(uow: UnitOfWork) -> QuestionView:
            _team, record = await resolve_player(uow, player)
            due = await uow.reviews.due(record.id, self.ctx.now(), wanted)
            ids = [c.question_id for c in due if self.ctx.find_question(c.question_id) is not None]
            if len(ids) < wanted:
                answered = await uow.attempts.answered_question_ids(record.id)
                fresh = [q for q in self.ctx.catalog.all() if q.id not in answered and q.id not in ids]
                if fresh:
                    ids += [q.id for q in pick(fresh, set(), wanted - len(ids), self.ctx.rng)]
            if not ids:
                raise NoQuestions("Nothing to review: no card is due and every question has been answered.")
            return await self._open(uow, record, AttemptMode.REVIEW, ids, QuizFilters())

        return await self.ctx.transact(work, lane_key(player))

    async def _open(
        self, uow: UnitOfWork, record: PlayerRecord, mode: AttemptMode, ids: list[str], filters: QuizFilters
    ) -> QuestionView:
        now = self.ctx.now()
        running = await uow.sessions.active_for(record.id)
        if running is not None:
            stopped = dataclasses.replace(running, state=SessionState.STOPPED, updated_at=now)
            await _save(uow, stopped, running)
        session = await uow.sessions.add(
            QuizSessionDraft(
                player_id=record.id, mode=mode, question_ids=tuple(ids), filters=filters, created_at=now
            )
        )
        view = self._view_of(await self._settled(uow, session))
        if view is None:
            raise NoQuestions()
        return view

    # --- the current question ---------------------------------------------------------------------

    def _settle(self, session: QuizSession) -> QuizSession:
        """Step over ids that left the catalog (a disabled pack) and finish a session with none left."""
        settled = session
        while (qid := settled.current_question_id) is not None and self.ctx.find_question(qid) is None:
            settled = dataclasses.replace(
                settled, position=settled.position + 1, hints_used=0, skipped=settled.skipped + 1
            )
        if settled.state == SessionState.ACTIVE and settled.position >= len(settled.question_ids):
            settled = dataclasses.replace(settled, state=SessionState.FINISHED)
        return settled

    async def _settled(self, uow: UnitOfWork, session: QuizSession) -> QuizSession:
        settled = self._settle(session)
        if settled != session:
            settled = await _save(uow, dataclasses.replace(settled, updated_at=self.ctx.now()), session)
        return settled

    def _view_of(self, session: QuizSession) -> QuestionView | None:
        qid = session.current_question_id
        if qid is None:
            return None
        question = self.ctx.question(qid)
        return QuestionView(
            session_id=session.id,
            question=question,
            position=session.position + 1,
            total=len(session.question_ids),
            mode=session.mode,
            hints_used=session.hints_used,
            hints_available=hints_available(question),
            hint_cost=hint_cost(question.difficulty),
        )

    async def _active(
        self, uow: UnitOfWork, player: Player, question_id: str | None = None, with_history: bool = False
    ) -> _Active:
        """The player's running session and its question; with `question_id` (a button that names the
        question it was sent with) `StaleQuestion` unless that is still the current question. With
        `with_history`, also the player's past with that question when storage can read both at once."""
        team, record = await resolve_player(uow, player)
        history: AnswerHistory | None = None
        if with_history and _reads_history(uow.sessions):
            found = await cast(SessionHistoryQuery, uow.sessions).active_with_history(record.id)
            session, history = found if found is not None else (None, None)
        else:
            session = await uow.sessions.active_for(record.id)
        if session is None:
            raise StaleQuestion() if question_id else NoActiveQuestion()
        settled = await self._settled(uow, session)
        if settled.current_question_id != session.current_question_id:
            history = None  # the question changed (a pack was switched off): read again when recording
        view = self._view_of(settled)
        if view is None:
            if question_id:
                raise StaleQuestion()
            raise NoActiveQuestion("Your quiz is over. Start another with `quiz` or `review`.")
        if question_id is not None and question_id != view.question.id:
            raise StaleQuestion()
        return _Active(team, record, settled, view, history)

    async def _advance(
        self, uow: UnitOfWork, moved: QuizSession, read: QuizSession
    ) -> tuple[QuizSession, QuestionView | None]:
        """Store the session moved on from `read` (compare-and-set against `read`)."""
        final = await _save(uow, dataclasses.replace(self._settle(moved), updated_at=self.ctx.now()), read)
        return final, self._view_of(final)

    async def current(self, player: Player) -> QuestionView:
        """The question waiting for the player's answer; `NoActiveQuestion` when there is none."""

        async def work(uow: UnitOfWork) -> QuestionView:
            return (await self._active(uow, player)).view

        return await self.ctx.transact(work, lane_key(player))

    # --- answering --------------------------------------------------------------------------------

    async def submit(self, player: Player, answer_text: str, question_id: str | None = None) -> Feedback:
        """Grade the answer to the current question, store the attempt and move on.

        With `question_id`, the answer is only taken if that is still the current question
        (`StaleQuestion` otherwise, checked in the same transaction). `StorageUnavailable` carries the
        answer text back so the adapter can show it was not saved.
        """
        answer = clean_answer(answer_text)

        async def work(uow: UnitOfWork) -> Feedback:
            team, record, session, view, history = await self._active(uow, player, question_id, True)
            question = view.question
            grade = self.ctx.grade(question, answer)
            attempt = await record_attempt(
                uow, team=team, player=record, question=question, answer=answer, grade=grade,
                mode=session.mode, hints_used=session.hints_used, now=self.ctx.now(), session_id=session.id,
                history=history,
            )
            final, following = await self._advance(
                uow,
                dataclasses.replace(
                    session,
                    position=session.position + 1,
                    hints_used=0,
                    answered=session.answered + 1,
                    points=session.points + attempt.points,
                ),
                session,
            )
            return Feedback(
                attempt=attempt,
                grade=grade,
                question=question,
                counted=attempt.counted,
                points=attempt.points,
                next_question=following,
                summary=None if following else summary_of(final),
            )

        try:
            return await self.ctx.transact(work, lane_key(player))
        except StorageUnavailable as err:
            raise StorageUnavailable(
                "The database is unreachable: your answer was NOT saved. Send it again when it is back.",
                unsaved_answer=answer,
            ) from err

    async def hint(self, player: Player, question_id: str | None = None) -> HintView:
        """Reveal the next hint of the current question; each one lowers the points it can earn."""

        async def work(uow: UnitOfWork) -> HintView:
            _team, _record, session, view, _history = await self._active(uow, player, question_id)
            available = view.hints_available
            if session.hints_used >= available:
                text = "No more hints for this question." if available else "This question has no hints."
                return HintView(text, session.hints_used, available, view.hint_cost)
            used = session.hints_used + 1
            hinted = dataclasses.replace(session, hints_used=used, updated_at=self.ctx.now())
            await _save(uow, hinted, session)
            return HintView(hint_text(view.question, used), used, available, view.hint_cost)

        return await self.ctx.transact(work, lane_key(player))

    async def skip(self, player: Player, question_id: str | None = None) -> SkipResult:
        """Move past the current question without answering (no attempt, no points, card untouched)."""

        async def work(uow: UnitOfWork) -> SkipResult:
            _team, _record, session, view, _history = await self._active(uow, player, question_id)
            final, following = await self._advance(
                uow,
                dataclasses.replace(
                    session, position=session.position + 1, hints_used=0, skipped=session.skipped + 1
                ),
                session,
            )
            return SkipResult(view.question, following, None if following else summary_of(final))

        return await self.ctx.transact(work, lane_key(player))

    async def stop(self, player: Player) -> SessionSummary:
        """End the running session early; `NoActiveQuestion` when none runs."""

        async def work(uow: UnitOfWork) -> SessionSummary:
            _team, record = await resolve_player(uow, player)
            session = await uow.sessions.active_for(record.id)
            if session is None:
                raise NoActiveQuestion("No quiz is running.")
            stopping = dataclasses.replace(session, state=SessionState.STOPPED, updated_at=self.ctx.now())
            stopped = await _save(uow, stopping, session)
            return summary_of(stopped)

        return await self.ctx.transact(work, lane_key(player))
