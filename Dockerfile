# The app in a container: slim Debian, WeasyPrint's libraries, a non-root user, a health check.
#
#   docker build -t assessor .
#   docker run -p 8501:8501 -v assessor-data:/data assessor          # SQLite in the volume
#   docker compose up                                                 # with PostgreSQL: compose.yaml
#
# The image's install steps are the ones CI runs: `bash .ci/setup --app` is .ci/setup without
# the test tools (see README, "Hosting for many organisations", for what has been run where).
FROM debian:bookworm-slim

ENV DEBIAN_FRONTEND=noninteractive \
    PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

# Debian's Python 3.11 in a virtual environment (Debian's own pip refuses system-wide installs).
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends python3 python3-venv ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && python3 -m venv /opt/venv

WORKDIR /app
COPY requirements.txt ./
COPY .ci/setup .ci/setup
RUN bash .ci/setup --app

COPY assessor assessor
COPY ui ui
COPY questionnaires questionnaires
COPY templates templates
COPY streamlit_app.py pyproject.toml README.md ./

RUN useradd --uid 10001 --home-dir /data --create-home --shell /usr/sbin/nologin assessor \
 && chmod 0700 /data
USER assessor

# SQLite in the /data volume unless ASSESSOR_DB names PostgreSQL (compose.yaml does).
ENV ASSESSOR_DB=/data/assessor.sqlite3 \
    STREAMLIT_SERVER_HEADLESS=true \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none
VOLUME ["/data"]
EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python3", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status != 200)"]

CMD ["python3", "-m", "assessor", "ui", "--address", "0.0.0.0", "--port", "8501"]
