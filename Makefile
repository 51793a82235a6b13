# Two commands set everything up: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint fuzz-hostile eval floors bench render model clean

$(STAMP): pyproject.toml constraints.txt
	@# Spark needs a Java runtime; Debian's is installed when none is on the machine.
	@command -v java >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq default-jre-headless)
	@# Scanned PDF pages are read by Tesseract (Debian's tesseract-ocr).
	@command -v tesseract >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq tesseract-ocr)
	@# The review page's browser test runs Debian's Chromium headless (tests never install anything).
	@command -v chromium >/dev/null 2>&1 || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev,spark]"
	touch $(STAMP)

## demo: build the environment, parse the corpus, write the dataset, print a summary
demo: $(STAMP)
	$(BIN)/imr-extract run corpora --out out/corpus

## test: lint (ruff, the rules in pyproject.toml), then the test suite (pytest's "no tests" exit code 5 fails the build; -rs lists every skip)
test: $(STAMP)
	$(BIN)/ruff check extractor scripts tests
	$(BIN)/python -m pytest -rs

## lint: ruff only
lint: $(STAMP)
	$(BIN)/ruff check extractor scripts tests

## fuzz-hostile: hostile inputs (odd names, FIFOs, /dev/zero, sparse and bomb files...) and killed start-ups; every input accounted for
fuzz-hostile: $(STAMP)
	$(BIN)/python -m extractor.quality.hostile 10

## eval: score the extractor on the gold corpus (written letters and real-letter gold)
eval: $(STAMP)
	$(BIN)/imr-extract evaluate corpora

## floors: measure the scores behind tests/thresholds.json and tests/guards.json (prints; --write to raise them)
floors: $(STAMP)
	$(BIN)/python scripts/floors.py

## model: retrain the decision model on any letters: make model LETTERS=/archive/letters ABOUT="what they are" (writes trained/decision.joblib, its card .md and calibration .png)
LETTERS ?= corpora
ABOUT ?=
model: $(STAMP)
	$(BIN)/imr-extract run $(LETTERS) --out out/model-data --no-progress
	$(BIN)/imr-extract model train out/model-data --out trained/decision.joblib --about "$(ABOUT)"

## render: render the corpus letters to PDFs in corpora/pdf
render: $(STAMP)
	$(BIN)/python scripts/render_pdf.py corpora corpora/pdf

clean:
	rm -rf $(VENV) out corpora/pdf
