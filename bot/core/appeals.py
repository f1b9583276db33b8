"""Appeals: a player contests a grade with a reason; an admin accepts (correcting the score) or rejects.

An accepted appeal rewrites the attempt's score, verdict and points through the repository, which also
fixes every stored total derived from it, so leaderboards and stats agree with the corrected grade.
Checking that the caller is an admin is the adapter's job (it knows the platform's permissions); the core
only refuses to touch another team's appeals.
"""

from __future__ import annotations

from bot.core.checking.grade import verdict_for
from bot.core.context import MAX_TEXT, CoreContext, clean_text, resolve_player
from bot.core.errors import InvalidInput, NotFound, NothingToAppeal
from bot.core.model import Appeal, AppealDraft, AppealStatus, Player, Team, TeamRef
from bot.core.ports import UnitOfWork
from bot.core.scoring import points_for
from bot.core.views import AppealDetails


class Appeals:
    def __init__(self, ctx: CoreContext) -> None:
        self.ctx = ctx

    async def appeal(self, player: Player, reason: str, attempt_id: int | None = None) -> Appeal:
        """Appeal the player's attempt `attempt_id`, or their latest one. Raises `InvalidInput` without a
        reason, `NothingToAppeal` without an attempt, `AlreadyAppealed` for a second appeal."""
        text = clean_text(reason, MAX_TEXT)
        if not text:
            raise InvalidInput("Say why the grade is wrong, e.g. `appeal I did mention vanishing gradients`.")

        async def work(uow: UnitOfWork) -> Appeal:
            team, record = await resolve_player(uow, player)
            if attempt_id is None:
                attempt = await uow.attempts.latest_for_player(record.id)
            else:
                attempt = await uow.attempts.get(attempt_id)
                if attempt is not None and attempt.player_id != record.id:
                    attempt = None
            if attempt is None:
                raise NothingToAppeal()
            draft = AppealDraft(attempt.id, record.id, team.id, text, self.ctx.now())
            return await uow.appeals.add(draft)

        return await self.ctx.transact(work)

    async def _team(self, uow: UnitOfWork, team: TeamRef) -> Team:
        stored = await uow.teams.find(team.platform, team.external_id)
        if stored is None:
            raise NotFound(f"There is no team {team.external_id[:80]!r} on {team.platform}.")
        return stored

    async def _details(self, uow: UnitOfWork, appeal: Appeal) -> AppealDetails:
        attempt = await uow.attempts.get(appeal.attempt_id)
        who = await uow.players.get(appeal.player_id)
        return AppealDetails(appeal, attempt, who.display_name if who else "?")

    async def list(
        self, team: TeamRef, status: AppealStatus | None = AppealStatus.OPEN
    ) -> list[AppealDetails]:
        """The team's appeals (open ones by default), oldest first."""

        async def work(uow: UnitOfWork) -> list[AppealDetails]:
            stored = await self._team(uow, team)
            return [await self._details(uow, a) for a in await uow.appeals.list(stored.id, status)]

        return await self.ctx.read(work)

    async def resolve(
        self,
        team: TeamRef,
        appeal_id: int,
        accept: bool,
        resolver: str,
        note: str = "",
        corrected_score: float | None = None,
    ) -> AppealDetails:
        """Accept (score becomes `corrected_score`, full credit by default) or reject an open appeal."""
        if corrected_score is not None and not 0.0 <= corrected_score <= 1.0:
            raise InvalidInput("A corrected score is between 0 and 1.")

        async def work(uow: UnitOfWork) -> AppealDetails:
            stored = await self._team(uow, team)
            appeal = await uow.appeals.get(appeal_id)
            if appeal is None or appeal.team_id != stored.id:
                raise NotFound(f"There is no appeal #{appeal_id} in this team.")
            if appeal.status != AppealStatus.OPEN:
                raise InvalidInput(f"Appeal #{appeal_id} is already {appeal.status}.")
            score = None
            if accept:
                attempt = await uow.attempts.get(appeal.attempt_id)
                if attempt is None:
                    raise NotFound("The appealed answer no longer exists.")
                score = 1.0 if corrected_score is None else float(corrected_score)
                points = points_for(attempt.difficulty, score, attempt.hints_used) if attempt.counted else 0
                await uow.attempts.correct_grade(attempt.id, score, verdict_for(score), points)
            resolved = await uow.appeals.resolve(
                appeal.id,
                AppealStatus.ACCEPTED if accept else AppealStatus.REJECTED,
                clean_text(resolver, 100) or "admin",
                clean_text(note, 1000),
                score,
                self.ctx.now(),
            )
            return await self._details(uow, resolved)

        return await self.ctx.transact(work)
