"""Errors the core raises, each carrying a message fit to show the user as is.

Adapters catch `CoreError` and render `err.message`; anything else is a bug and is logged. Storage raises
the subclasses documented on each repository method (e.g. a unique-constraint violation becomes
`AlreadyAnswered` or `DuplicateClaim`, a lost connection becomes `StorageUnavailable`).
"""

from __future__ import annotations


class CoreError(Exception):
    """Base of every error with a user-facing message."""

    default_message = "Something went wrong."

    def __init__(self, message: str | None = None) -> None:
        self.message = message or self.default_message
        super().__init__(self.message)


class InvalidInput(CoreError):
    default_message = "That input is not valid."


class NotFound(CoreError):
    default_message = "Not found."


class UnknownQuestion(NotFound):
    default_message = "There is no such question."


class UnknownTopic(InvalidInput):
    default_message = "There is no such topic."


class NoQuestions(NotFound):
    default_message = "No question matches what you asked for."


class NoActiveQuestion(CoreError):
    default_message = "There is no question waiting for an answer. Start one with `quiz`."


class StaleQuestion(NoActiveQuestion):
    """A button or form for a question that is no longer the current one (an old message)."""

    default_message = "That question is no longer waiting for an answer; use the latest one."


class AlreadyAnswered(CoreError):
    """A second answer to a daily question (storage: unique (daily_post_id, player_id))."""

    default_message = "You already answered this question; only your first answer counts."


class AlreadyCounted(CoreError):
    """Another attempt of the same (player, question) already earns points (storage: unique
    (player_id, question_id) where counted). The core retries the use case, which then scores 0."""

    default_message = "This question already earned you points."


class DailyClosed(CoreError):
    default_message = "This daily question is closed; the answer has been revealed."


class RevealInProgress(CoreError):
    """Another attempt (this process or another) holds a fresh claim on the reveal of this daily post and
    may be posting it right now: the caller leaves it alone; a stale claim is taken over later."""

    default_message = "The answer of this daily question is being revealed right now."


class DuplicateClaim(CoreError):
    """The channel's day is already claimed (storage: unique (channel_ref, local_date))."""

    default_message = "Today's question has already been posted in this channel."


class AlreadyAppealed(CoreError):
    """Storage: unique (attempt_id) on appeals."""

    default_message = "You already appealed this answer."


class NothingToAppeal(NotFound):
    default_message = "There is no graded answer to appeal yet."


class PermissionDenied(CoreError):
    default_message = "You are not allowed to do that."


class StorageUnavailable(CoreError):
    """The database could not be reached or refused the transaction; nothing of the operation was kept.

    `unsaved_answer` carries the player's answer text when a submission failed, so the adapter can show it
    back instead of losing it silently.
    """

    default_message = "The database is unreachable right now; nothing was saved. Please try again shortly."

    def __init__(self, message: str | None = None, unsaved_answer: str | None = None) -> None:
        super().__init__(message)
        self.unsaved_answer = unsaved_answer
