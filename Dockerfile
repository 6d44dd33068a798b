# GridBot image for compose.yaml (a district deployment: PostgreSQL, N bot processes, one web process).
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md alembic.ini ./
COPY bot bot
COPY handlers handlers
COPY nlp nlp
COPY migrations migrations
RUN pip install --no-cache-dir ".[wechaty]"
ENV PYTHONUNBUFFERED=1 HTTP_HOST=0.0.0.0 HTTP_PORT=8080 LOG_FORMAT=json
EXPOSE 8080
CMD ["gridbot", "run"]
