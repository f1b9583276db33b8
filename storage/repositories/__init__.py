"""SQLAlchemy implementations of the core's repository ports, one module per aggregate."""

from storage.repositories.appeals import SqlAppeals
from storage.repositories.attempts import SqlAttempts
from storage.repositories.daily import SqlDailyConfigs, SqlDailyPosts
from storage.repositories.identity import SqlGroups, SqlPlayers, SqlTeams
from storage.repositories.leaderboard import SqlLeaderboard
from storage.repositories.practice import SqlReviewCards, SqlSessions

__all__ = [
    "SqlAppeals",
    "SqlAttempts",
    "SqlDailyConfigs",
    "SqlDailyPosts",
    "SqlGroups",
    "SqlLeaderboard",
    "SqlPlayers",
    "SqlReviewCards",
    "SqlSessions",
    "SqlTeams",
]
