# Set-up lives here: `make run` and `make test` install whatever is missing, then do their job.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
VENDOR := src/sciatica_coach/web/static/vendor
CHROMIUM := /usr/bin/chromium
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install assets system-deps lint typecheck unit browser bench clean

run: install assets
	$(BIN)/sciatica-coach db upgrade
	$(BIN)/sciatica-coach serve --host $(HOST) --port $(PORT)

test: install assets system-deps lint typecheck
	$(BIN)/pytest

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
system-deps:
	@if [ ! -x $(CHROMIUM) ] || ! command -v ffmpeg >/dev/null || ! command -v espeak-ng >/dev/null; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; else SUDO=sudo; fi; \
	  $$SUDO apt-get update -qq >/dev/null && \
	  $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium ffmpeg espeak-ng >/dev/null; \
	fi

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

typecheck: install
	$(BIN)/mypy

unit: install assets
	$(BIN)/pytest -m "not browser"

browser: install assets system-deps
	$(BIN)/pytest -m browser

bench: install
	$(BIN)/python bench/motion_accuracy.py
	$(BIN)/python bench/motion_speed.py
	$(BIN)/python bench/write_path.py

clean:
	rm -rf $(VENV) node_modules $(VENDOR)
