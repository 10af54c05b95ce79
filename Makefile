# Quick start:  make demo   (end to end on the bundled sample data)
#               make test   (the whole suite, including building and running the Docker image)
#               make image  (the linux/amd64 image, sagemaker-monitor:<version>-<commit> and :latest)
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
SAMPLE := sample-data
OUT := demo-output

.PHONY: demo test unit image image-test push lint bench browser clean

# Debian's Chromium, for the tests that open report.html and trend.html in a real headless browser.
CHROMIUM := /usr/bin/chromium

$(VENV)/.installed: requirements.lock requirements-dev.lock
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock -r requirements-dev.lock
	touch $@

$(SAMPLE)/capture $(SAMPLE)/analysis_config.json $(SAMPLE)/attribution:
	$(PY) scripts/make_sample_data.py $(SAMPLE)

demo: $(VENV)/.installed $(SAMPLE)/capture $(SAMPLE)/analysis_config.json $(SAMPLE)/attribution
	PYTHON=$(PY) scripts/run_local.sh $(SAMPLE) $(OUT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

$(CHROMIUM):
	apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null

browser: $(CHROMIUM)

unit: $(VENV)/.installed $(CHROMIUM)
	$(PY) -m pytest

# Needs a Docker engine. BASE_IMAGE=... overrides the Dockerfile's base; ALLOW_DIRTY=1 builds a changed work tree.
image: $(VENV)/.installed
	PYTHON=$(PY) scripts/build_image.sh

# Builds the image (as `make image` does, starting an engine if none answers) and runs it on the sample data.
image-test: $(VENV)/.installed
	PYTHON=$(PY) scripts/test_image.sh

# make push REPOSITORY=sagemaker-monitor [REGION=eu-west-1]: prints the digest-pinned image_uri.
push: $(VENV)/.installed
	$(PY) scripts/push_ecr.py --repository $(or $(REPOSITORY),sagemaker-monitor) $(if $(REGION),--region $(REGION))

test: lint unit image-test

bench: $(VENV)/.installed
	$(PY) scripts/bench_ingest.py

clean:
	rm -rf $(VENV) $(SAMPLE) $(OUT) .cache
