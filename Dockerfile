# SageMaker Model Monitor bring-your-own-container image.
#   make image                                          (scripts/build_image.sh: downloads build/wheels on the host for
#                                                        linux/amd64, then docker build --platform linux/amd64 ...)
#   BASE_IMAGE=local/python-base:bookworm make image    (offline base, see scripts/test_image.sh)
# A bare `docker build .` fails at COPY build/wheels/: the wheels are downloaded by scripts/build_image.sh.
# No "# syntax=" line and no BuildKit-only features: the legacy builder must be able to build it.
ARG BASE_IMAGE=public.ecr.aws/docker/library/python:3.11-slim-bookworm

FROM ${BASE_IMAGE} AS build
# python3, not python: the Debian base has only /usr/bin/python3.
RUN python3 -m venv /opt/venv
COPY requirements.lock /tmp/build/requirements.lock
COPY build/wheels/ /tmp/build/wheels/
# --no-index: the build never reaches an index; every wheel was downloaded on the host from the lock file.
RUN /opt/venv/bin/pip install --no-cache-dir --no-index --find-links=/tmp/build/wheels -r /tmp/build/requirements.lock \
 && find /opt/venv -name '__pycache__' -prune -exec rm -rf {} + \
 && rm -rf /opt/venv/lib/python3.11/site-packages/pip /opt/venv/lib/python3.11/site-packages/setuptools

FROM ${BASE_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    LANG=C.UTF-8 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    GX_ANALYTICS_ENABLED=false \
    MPLCONFIGDIR=/opt/matplotlib
# Same base in both stages, so the venv's interpreter path still exists.
COPY --from=build /opt/venv /opt/venv
COPY analyzers/ /app/analyzers/
COPY container/ /app/container/
# matplotlib's font cache, built once here: a job never scans fonts or writes a cache (report.html's charts).
RUN python -c "import matplotlib.font_manager" && chmod -R a+rX /opt/matplotlib
RUN groupadd --system --gid 10001 monitor \
 && useradd --system --uid 10001 --gid monitor --home-dir /nonexistent --no-create-home --shell /usr/sbin/nologin monitor
USER 10001:10001
WORKDIR /app
# Exec form, so SageMaker's stop signal reaches the Python process directly.
ENTRYPOINT ["/opt/venv/bin/python", "-m", "container"]
