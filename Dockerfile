# casepath web app / worker image. Build: docker build -t casepath .
# Run with docker-compose.yml (PostgreSQL, migrations, web, worker, mail catcher).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    CASEPATH_INSTANCE_PATH=/app/instance

# Every Python dependency ships wheels; WeasyPrint (the case file's PDF export) needs Pango and a font.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
       fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . /app
# Editable install on purpose: the code finds migrations/ and workflows/ next to its packages
# (engine/migrate.py, webui/cli/__init__.py), which a regular install into site-packages would lose.
RUN pip install -e '.[postgres]' \
    && useradd --system --uid 10001 --home-dir /app --no-create-home casepath \
    && mkdir -p /app/instance \
    && chown casepath:casepath /app/instance

USER casepath
EXPOSE 8000
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--workers", "3", "webui:create_app()"]
