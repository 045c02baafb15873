# Set-up lives here: `make run` and `make test` install whatever is missing, then do their job.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := src/sciatica_coach/web/static/vendor
CHROMIUM := /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000

# `make test` runs every test in three steps, each on a machine left to it: the tests without a browser on
# WORKERS pytest-xdist workers (one per core), then the browser tests on WORKERS workers (each its own server,
# Chromium and databases; they mostly wait on the player's clock), then the tests marked `alone` one at a time (the
# camera test: its pose model in Chromium takes all the CPU it gets). `pytest` by itself runs them all in one go.
WORKERS ?= 2
XDIST = -n $(WORKERS) --dist worksteal
UNIT = $(BIN)/pytest $(XDIST) -m "not browser and not alone"
BROWSER = $(BIN)/pytest $(XDIST) -m "browser and not alone"
ALONE = $(BIN)/pytest -m alone

.PHONY: run test install assets pdf-deps system-deps lint typecheck unit browser bench clean

run: install assets pdf-deps
	$(BIN)/sciatica-coach db upgrade
	$(BIN)/sciatica-coach serve --host $(HOST) --port $(PORT)

# Every step runs even when one before it failed; the target fails if any did.
test: install assets system-deps lint typecheck
	status=0; \
	$(UNIT) || status=$$?; \
	$(BROWSER) || status=$$?; \
	$(ALONE) || status=$$?; \
	exit $$status

install: $(STAMP)

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[dev,video]'
	touch $(STAMP)

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch node_modules/.installed

# Front-end assets are served by our own server from the package's static folder; never from a CDN.
assets: node_modules/.installed
	mkdir -p $(VENDOR)/pose
	cp node_modules/@mediapipe/pose/*.js node_modules/@mediapipe/pose/*.wasm node_modules/@mediapipe/pose/*.data \
	   node_modules/@mediapipe/pose/*.binarypb node_modules/@mediapipe/pose/pose_landmark_full.tflite $(VENDOR)/pose/

# Browser tests drive Debian's Chromium; ffmpeg turns test clips into a fake camera; espeak-ng speaks terminal cues.
# A fresh machine has no package lists yet, so apt-get update runs before apt-get install.
# The PDF report (WeasyPrint) needs Pango, for `make run` as much as for the tests.
PANGO_MISSING = ! /sbin/ldconfig -p | grep -q 'libpango-1.0.so.0' || ! /sbin/ldconfig -p | grep -q 'libpangoft2-1.0.so.0'
APT_INSTALL = if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq >/dev/null && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq

pdf-deps:
	@if $(PANGO_MISSING); then \
	  $(APT_INSTALL) libpango-1.0-0 libpangoft2-1.0-0 >/dev/null; \
	fi

system-deps: pdf-deps
	@if [ ! -x $(CHROMIUM) ] || ! command -v ffmpeg >/dev/null || ! command -v espeak-ng >/dev/null; then \
	  $(APT_INSTALL) chromium ffmpeg espeak-ng >/dev/null; \
	fi

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

unit: install assets
	$(UNIT)

browser: install assets system-deps
	status=0; $(BROWSER) || status=$$?; $(ALONE) || status=$$?; exit $$status

bench: install
	$(BIN)/python bench/motion_accuracy.py
	$(BIN)/python bench/motion_speed.py
	$(BIN)/python bench/write_path.py
	$(BIN)/python bench/instructions.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR)
