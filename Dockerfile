# policybot in a container: the bot (`policybot run`) by default, the staff web console with
# `policybot web`. State (database, saved files, backups) lives on the /data volume.
#   docker build -t policybot .
#   docker run --env-file .env -v policybot-data:/data policybot
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot bot
COPY handlers handlers
COPY knowledge knowledge
COPY storage storage
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    POLICYBOT_DB=/data/policybot.db
COPY --from=build /wheels /wheels
RUN pip install "$(ls /wheels/policybot-*.whl)[webhook]" && rm -rf /wheels \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin policybot \
    && mkdir -m 0700 /data && chown policybot:policybot /data
USER policybot
WORKDIR /data
VOLUME ["/data"]
# The staff web console's port (compose.yaml runs `policybot web` in a second container).
EXPOSE 8080
# doctor checks the school folder, the database (writable, integrity), permissions and disk.
HEALTHCHECK --interval=60s --timeout=20s --start-period=30s --retries=3 CMD ["policybot", "doctor"]
# `policybot run` stops cleanly on SIGTERM: it finishes the updates in hand and closes the db.
STOPSIGNAL SIGTERM
CMD ["policybot", "run"]
