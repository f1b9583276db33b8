# interview-bot: `docker build -t interview-bot .`, then `docker run --env-file .env interview-bot`
# (or `docker compose up`, with PostgreSQL). The default command is `interview-bot run`; any other
# command replaces it: `docker run --rm --env-file .env interview-bot config check`.
#
# Two stages: the first builds a virtualenv with the package and its dependencies (pip's caches and the
# sources stay behind), the second copies only that virtualenv onto a slim Python and runs as a non-root
# user. The database schema is migrated by `interview-bot run` itself on every start.

FROM python:3.11-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
WORKDIR /src
RUN python -m venv /opt/venv && /opt/venv/bin/pip install --quiet --upgrade pip
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY questions ./questions
COPY storage ./storage
# pip compiles the bytecode here: at run time the virtualenv is read-only for the `bot` user.
RUN /opt/venv/bin/pip install --quiet .

FROM python:3.11-slim
RUN useradd --system --create-home --uid 10001 --home-dir /home/bot bot \
    && mkdir -p /data && chown bot:bot /data
COPY --from=build /opt/venv /opt/venv
ENV PATH="/opt/venv/bin:${PATH}" \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    INTERVIEW_BOT_DATA_DIR=/data \
    INTERVIEW_BOT_OBSERVABILITY__HOST=0.0.0.0 \
    INTERVIEW_BOT_OBSERVABILITY__PORT=8080 \
    INTERVIEW_BOT_LOGGING__JSON=true
USER bot
WORKDIR /home/bot
VOLUME ["/data"]
# 3000: Slack's HTTP mode (publish it behind your TLS proxy); 8080: /healthz and /metrics (keep private).
EXPOSE 3000 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=90s --retries=3 \
    CMD python -c "import os, urllib.request as u; p = os.environ.get('INTERVIEW_BOT_OBSERVABILITY__PORT', '8080'); u.urlopen(f'http://127.0.0.1:{p}/healthz', timeout=4)"
STOPSIGNAL SIGTERM
ENTRYPOINT ["interview-bot"]
CMD ["run"]
