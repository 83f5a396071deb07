# syntax=docker/dockerfile:1.7
# One image runs every TaskAI function: FUNCTION_TARGET (a folder under functions/) picks which,
# served by gunicorn with functions-framework's app. Build from the repository root:
#   docker build -t taskai:dev .
#   docker run --rm -p 8080:8080 -e FUNCTION_TARGET=tasks taskai:dev
# The same image runs the database migration: command ["taskai", "migrate"]. `taskai dev` and the
# other local stand-ins (taskai/local) are left out by .dockerignore: Knative runs none of them.
# Both stages use the same base (a test checks it); pin it by digest where your registry allows.
# checkov:skip=CKV_DOCKER_2:Kubernetes ignores HEALTHCHECK; Knative probes /health (readinessProbe and livenessProbe in knative/)

# ---- build: install exactly the locked versions into /opt/venv, resolve nothing ----
FROM python:3.12.12-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PYTHONDONTWRITEBYTECODE=1

# The build tools get their own venv, which never reaches the final stage.
COPY <<'LOCK' /build/tools.lock
pip==26.3
setuptools==84.2.1
LOCK

# Every package the image runs: the closure of taskai[all] plus gunicorn for CPython 3.12 on
# Linux, one exact version each (docs/deploy.md says how to regenerate it; tests/deploy checks
# it against pyproject.toml). Installed with --no-deps: `pip check` below fails the build if the
# list is not closed.
COPY <<'LOCK' /build/requirements.lock
aiohappyeyeballs==2.7.1
aiohttp==3.14.5
aiosignal==1.4.0
alembic==1.20.1
annotated-types==0.8.0
anyio==4.16.0
asn1crypto==1.5.1
attrs==26.1.0
bcrypt==5.0.0
blinker==1.9.0
boto3==1.44.8
botocore==1.44.8
certifi==2026.10.19.post1
cffi==2.1.1
charset-normalizer==3.5.3
click==8.5.1
cloudevents==1.12.0
crc32c==2.9.post0
cryptography==50.0.2
dateparser==1.5.0
deprecation==2.1.0
dnspython==2.9.2
email-validator==2.4.0
Flask==3.1.3
frozenlist==1.8.0
functions-framework==3.10.2
googleapis-common-protos==1.76.0
gunicorn==27.0.1
h11==0.16.0
http-ece==1.2.1
icalendar==7.3.2
httpcore2==2.16.2
httpx2==2.16.2
idna==3.20
itsdangerous==2.2.0
Jinja2==3.1.6
jiter==0.19.0
jmespath==1.1.0
kafka-python==3.0.12
lark==1.3.1
Mako==1.4.3
MarkupSafe==3.0.4
multidict==7.2.1
openai==3.57.0
opentelemetry-api==1.45.2
opentelemetry-exporter-http-transport==0.66b2
opentelemetry-exporter-otlp-common==0.66b2
opentelemetry-exporter-otlp-proto-common==1.45.2
opentelemetry-exporter-otlp-proto-http==1.45.2
opentelemetry-proto==1.45.2
opentelemetry-sdk==1.45.2
opentelemetry-semantic-conventions==0.66b2
packaging==26.4
pg8000==1.31.6
prometheus_client==0.26.0
propcache==0.5.4
protobuf==7.36.2
py-vapid==1.9.6
pycparser==3.12
pydantic_core==2.50.5
pydantic==2.14.4
pydantic-settings==2.16.3
PyJWT==2.15.1
python-dateutil==2.9.0.post0
python-dotenv==1.2.4
pytz==2026.6
pywebpush==2.5.0
regex==2026.11.19
requests==2.34.2
resend==2.52.0
s3transfer==0.19.3
scramp==1.5.0
six==1.17.0
sniffio==1.3.1
SQLAlchemy==2.1.9
standardwebhooks==1.1.0
starlette==1.10.0
truststore==0.10.5
typing_extensions==4.16.0
typing-inspection==0.4.5
tzdata==2026.6
tzlocal==5.4.5
urllib3==2.8.0
uvicorn-worker==0.4.0
uvicorn==0.54.0
watchdog==7.1.0
Werkzeug==3.1.9
yarl==1.25.1
zxcvbn==4.5.0
LOCK

# http-ece (pywebpush's payload encryption) publishes only a source archive: its locked version is
# built into a wheel here by the pinned build tools, and installed from there like the others.
RUN python -m venv /build/tools \
 && /build/tools/bin/pip install --require-virtualenv -r /build/tools.lock \
 && /build/tools/bin/pip wheel --no-deps --no-build-isolation --no-binary=:all: \
      --wheel-dir /build/source-built "$(grep '^http-ece==' /build/requirements.lock)" \
 && python -m venv --without-pip /opt/venv \
 && /build/tools/bin/pip --python /opt/venv/bin/python install \
      --no-deps --only-binary=:all: --find-links=/build/source-built -r /build/requirements.lock

WORKDIR /src
COPY pyproject.toml README.md ./
COPY shared ./shared
RUN /build/tools/bin/pip wheel --no-deps --no-build-isolation --wheel-dir /build/wheels . \
 && /build/tools/bin/pip --python /opt/venv/bin/python install --no-deps /build/wheels/taskai-*.whl \
 && /build/tools/bin/pip --python /opt/venv/bin/python check \
 && /opt/venv/bin/python -m compileall -q /opt/venv

# ---- runtime: the interpreter, the venv and the function sources; no pip, no compilers ----
FROM python:3.12.12-slim-bookworm AS runtime
RUN python -m pip uninstall --yes --quiet pip \
 && rm -rf /root/.cache \
 && groupadd --system --gid 10001 taskai \
 && useradd --system --uid 10001 --gid taskai --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin taskai

COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY functions ./functions

# Serves FUNCTION_TARGET with gunicorn. Workers and threads are explicit because gunicorn's and
# functions-framework's defaults count the node's CPUs, not the container's share of them.
# /dev/shm holds gunicorn's heartbeat files, so the root filesystem can be read-only.
COPY --chmod=0755 <<'SCRIPT' /usr/local/bin/taskai-serve
#!/bin/sh
set -eu
: "${FUNCTION_TARGET:?set FUNCTION_TARGET to the function to serve, a folder under functions/}"
FUNCTION_SOURCE="${FUNCTION_SOURCE:-functions/${FUNCTION_TARGET}/main.py}"
export FUNCTION_TARGET FUNCTION_SOURCE
exec gunicorn \
  --bind "0.0.0.0:${PORT:-8080}" \
  --workers "${WORKERS:-1}" \
  --threads "${THREADS:-8}" \
  --worker-class taskai.api.worker.ThreadWorker \
  --worker-tmp-dir /dev/shm \
  --timeout "${GUNICORN_TIMEOUT:-30}" \
  --graceful-timeout "${GUNICORN_GRACEFUL_TIMEOUT:-20}" \
  --keep-alive "${GUNICORN_KEEP_ALIVE:-75}" \
  --log-level "${GUNICORN_LOG_LEVEL:-warning}" \
  "functions_framework:create_app()"
SCRIPT

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PORT=8080 \
    WORKERS=1 \
    THREADS=8

USER 10001:10001
EXPOSE 8080
CMD ["taskai-serve"]
