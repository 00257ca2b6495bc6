# The README gives a new user two commands: `make run` and `make test`. Everything else
# here is what they are made of.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

export RASA_PORT ?= 5005
export ACTION_PORT ?= 5055
export WEB_PORT ?= 8000
export KB_PATH ?= var/knowledge.db
export TRACKER_DB ?= var/tracker.db
export LOCK_DB ?= var/locks.db
# Rasa sends usage telemetry and error reports to Segment and Sentry unless told not to.
export RASA_TELEMETRY_ENABLED ?= false
MODEL := models/assistant.tar.gz
# What the model is trained from (not bot/endpoints*.yml or bot/credentials.yml): the
# entity extractor (nlu/) stores the vocabulary of the knowledge sources in the model.
# data/nlu/synonyms.yml is generated from the knowledge sources (knowledge/training_data.py).
SYNONYMS := data/nlu/synonyms.yml
TRAINING_INPUTS := $(filter-out $(SYNONYMS),$(shell find bot/config.yml bot/domain bot/jieba data -type f 2>/dev/null)) \
	$(SYNONYMS) $(wildcard nlu/*.py) knowledge/sources/vocabulary.yaml knowledge/text.py knowledge/schema.py \
	knowledge/pinyin.py
KNOWLEDGE_INPUTS := $(wildcard knowledge/sources/*) $(wildcard knowledge/*.py) bot/jieba/userdict.txt

.PHONY: help install browser kb synonyms train run test validate test-stories eval eval-cv purge clean test-scale bench

help:
	@echo "make run    set up everything and start the assistant (http://localhost:$(WEB_PORT)/)"
	@echo "make test   set up everything and run all tests"

# Idempotent: reinstalls only when a requirements file changed.
$(INSTALLED): requirements/lock.txt requirements/rasa.txt requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/lock.txt -r requirements/dev.txt
	# rasa 3.6.21 declares Requires-Python <3.11 but runs on 3.11; its dependencies come from the lock.
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --ignore-requires-python -r requirements/rasa.txt
	touch $@

install: $(INSTALLED)

# The widget tests drive Debian's Chromium through Playwright (no browser download);
# the CJK fonts make Chinese render in screenshots.
BROWSER := /usr/bin/chromium
$(BROWSER):
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk

browser: $(BROWSER)

# Rebuilt when a source file changes; a bad edit fails here and leaves the old database.
$(KB_PATH): $(INSTALLED) $(KNOWLEDGE_INPUTS)
	$(BIN)/python -m knowledge.build --db $@

kb: $(KB_PATH)

# Each alias is written once, in knowledge/sources/vocabulary.yaml: the NLU synonyms and
# lookup tables are written from it (not committed).
$(SYNONYMS): $(INSTALLED) knowledge/training_data.py knowledge/sources/vocabulary.yaml \
		knowledge/sources/article_entities.yaml
	$(BIN)/python -m knowledge.training_data --out $@

synonyms: $(SYNONYMS)

# Trained only when the configuration or the training data changed.
$(MODEL): $(INSTALLED) $(TRAINING_INPUTS)
	$(BIN)/rasa train --config bot/config.yml --domain bot/domain --data data \
		--out models --fixed-model-name assistant
	touch $@

train: $(MODEL)

run: install kb train
	$(BIN)/python -m scripts.serve

validate: install $(SYNONYMS)
	$(BIN)/rasa data validate --config bot/config.yml --domain bot/domain --data data

test-stories: train
	$(BIN)/rasa test core --model $(MODEL) --stories tests/stories --endpoints bot/endpoints.yml \
		--fail-on-prediction-errors --out var/results

# Everything, the scale-out test included (about a minute and a half once PostgreSQL and
# Redis are installed), so CI, which runs `make test`, runs it too.
test: install browser kb train validate
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory test-stories
	$(MAKE) --no-print-directory test-scale

# The evaluation sets in evaluation/sets/: the development set and the held-out set
# (docs/evaluation.md records their figures).
eval: install kb train
	$(BIN)/python -m evaluation.run

# 5-fold cross-validation of the NLU pipeline on the training data (slow: five trainings).
eval-cv: install $(SYNONYMS)
	$(BIN)/rasa test nlu --config bot/config.yml --nlu data/nlu --cross-validation --folds 5 \
		--out var/eval/cross-validation

# Deletes conversations older than RETENTION_DAYS (30) from the tracker store; run daily.
purge: install
	$(BIN)/python -m scripts.purge

clean:
	rm -rf models .rasa var .pytest_cache $(SYNONYMS)

# Scale-out: two Rasa servers sharing PostgreSQL and Redis (bot/endpoints-scale.yml), both
# started on 127.0.0.1 in a temporary directory; installs them from Debian if missing.
# Part of `make test`; docs/deployment.md records its figures.
test-scale: install kb train
	@if ! command -v redis-server >/dev/null || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql redis-server; fi
	$(BIN)/python -m pytest -m scale

# How fast the assistant answers under load, next to a minimal utter-only bot (the floor):
# locust drives both over REST at 1, 20 and 50 concurrent conversations; also times
# `rasa train`, the knowledge build and the cold start, and reads each server's peak RSS.
# Writes docs/benchmarks.md (about 12 minutes on 2 cores). BENCH_SECONDS, BENCH_LEVELS,
# BENCH_RASA_URL and the rest: see bench/run.py.
bench: install kb train
	$(BIN)/python -m bench.run
