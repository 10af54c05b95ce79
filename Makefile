# Quick start:  make demo   (end to end on the bundled sample data)
#               make test   (the whole suite, including building and running the Docker image)
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
SAMPLE := sample-data
OUT := demo-output

.PHONY: demo test unit image lint bench clean

$(VENV)/.installed: requirements.lock requirements-dev.lock
	python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.lock -r requirements-dev.lock
	touch $@

$(SAMPLE)/capture:
	$(PY) scripts/make_sample_data.py $(SAMPLE)

demo: $(VENV)/.installed $(SAMPLE)/capture
	PYTHON=$(PY) scripts/run_local.sh $(SAMPLE) $(OUT)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

unit: $(VENV)/.installed
	$(PY) -m pytest

image: $(VENV)/.installed
	PYTHON=$(PY) scripts/test_image.sh

test: lint unit image

bench: $(VENV)/.installed
	$(PY) scripts/bench_ingest.py

clean:
	rm -rf $(VENV) $(SAMPLE) $(OUT) .cache
