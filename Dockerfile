# Couplet API (`couplet serve`); the same image runs workers with `couplet worker`.
FROM python:3.11-slim AS build
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PROJECT_ENVIRONMENT=/opt/couplet
RUN pip install --no-cache-dir uv==0.13.8
WORKDIR /src
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY api ./api
COPY domain ./domain
COPY adapters ./adapters
COPY migrations ./migrations
COPY README.md ./
RUN uv sync --frozen --no-dev --no-editable

FROM python:3.11-slim
RUN useradd --create-home --uid 10001 couplet
COPY --from=build /opt/couplet /opt/couplet
ENV PATH=/opt/couplet/bin:$PATH PYTHONUNBUFFERED=1 COUPLET_HOST=0.0.0.0 COUPLET_PORT=8000 \
    COUPLET_DATA_DIR=/home/couplet/data
USER couplet
WORKDIR /home/couplet
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"
CMD ["couplet", "serve"]
