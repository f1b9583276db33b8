"""Operating the bot: `/healthz` checks, Prometheus metrics, and structured, redacted logs.

Everything here sits outside the core: metrics are fed by wrapping the grader port and by the scheduler's
outcomes, health checks only duck-type the database and platform clients.
"""
