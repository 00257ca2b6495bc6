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

.PHONY: help install system-deps kb synonyms train run lint format test validate test-stories eval eval-cv \
	purge clean test-scale bench console-admin console-db

# Every target with the `##` line after its name.
help: ## list the targets (`make run` and `make test` are all a new user needs)
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  make \1\t\2/' | expand -t 22

# Idempotent: reinstalls only when a requirements file changed.
$(INSTALLED): requirements/lock.txt requirements/rasa.txt requirements/dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements/lock.txt -r requirements/dev.txt
	# rasa 3.6.21 declares Requires-Python <3.11 but runs on 3.11; its dependencies come from the lock.
	$(BIN)/pip install --quiet --disable-pip-version-check --no-deps --ignore-requires-python -r requirements/rasa.txt
	touch $@

install: $(INSTALLED) ## create .venv and install the pinned Python packages

# The widget tests drive Debian's Chromium through Playwright (no browser download; the
# CJK fonts make Chinese render in screenshots); the scale-out test runs PostgreSQL and
# Redis. `make test` installs them only when one is missing (root and apt-get needed then).
SYSTEM_PACKAGES := chromium fonts-noto-cjk postgresql redis-server
MISSING_SYSTEM_PACKAGES = $(shell for p in $(SYSTEM_PACKAGES); do \
	dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q "ok installed" || echo $$p; done)

system-deps: ## install Chromium, CJK fonts, PostgreSQL and Redis from Debian (apt-get, as root)
	apt-get update -qq
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(SYSTEM_PACKAGES)

# Rebuilt when a source file changes; a bad edit fails here and leaves the old database.
$(KB_PATH): $(INSTALLED) $(KNOWLEDGE_INPUTS)
	$(BIN)/python -m knowledge.build --db $@

kb: $(KB_PATH) ## build the knowledge base (var/knowledge.db) from knowledge/sources/

# Each alias is written once, in knowledge/sources/vocabulary.yaml: the NLU synonyms are
# written from it (not committed).
$(SYNONYMS): $(INSTALLED) knowledge/training_data.py knowledge/sources/vocabulary.yaml
	$(BIN)/python -m knowledge.training_data --out $@

synonyms: $(SYNONYMS) ## write data/nlu/synonyms.yml from the vocabulary (train does it)

# Trained only when the configuration or the training data changed.
$(MODEL): $(INSTALLED) $(TRAINING_INPUTS)
	$(BIN)/rasa train --config bot/config.yml --domain bot/domain --data data \
		--out models --fixed-model-name assistant
	touch $@

train: $(MODEL) ## train the model (models/assistant.tar.gz) when its inputs changed

run: install kb train ## set up everything and start the assistant (http://localhost:8000/, WEB_PORT)
	$(BIN)/python -m scripts.serve

# ruff (lint and format) and mypy, configured in pyproject.toml, installed by `install`.
lint: install ## ruff check, mypy and ruff format --check
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/ruff format --check .

format: install ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

validate: install $(SYNONYMS) ## rasa data validate on the configuration, domain and training data
	$(BIN)/rasa data validate --config bot/config.yml --domain bot/domain --data data

test-stories: train ## the Rasa test stories in tests/stories/, failing on any wrong prediction
	$(BIN)/rasa test core --model $(MODEL) --stories tests/stories --endpoints bot/endpoints.yml \
		--fail-on-prediction-errors --out var/results

# Everything, the scale-out test included (about a minute and a half once PostgreSQL and
# Redis are installed), so CI, which runs `make test`, runs it too.
test: install kb train validate ## set up everything and run all tests
	@missing="$(MISSING_SYSTEM_PACKAGES)"; if [ -n "$$missing" ]; then \
		echo "installing missing system packages: $$missing"; $(MAKE) --no-print-directory system-deps; fi
	$(BIN)/python -m pytest
	$(MAKE) --no-print-directory test-stories
	$(MAKE) --no-print-directory test-scale

# The evaluation sets in evaluation/sets/: the development set and the held-out set
# (docs/evaluation.md records their figures).
eval: install kb train ## score the evaluation sets (evaluation/sets/) end to end, then the replies per item
	$(BIN)/python -m evaluation.run
	$(BIN)/python -m evaluation.replies

# 5-fold cross-validation of the NLU pipeline on the training data (slow: five trainings).
eval-cv: install $(SYNONYMS) ## 5-fold cross-validation of the NLU pipeline (slow)
	$(BIN)/rasa test nlu --config bot/config.yml --nlu data/nlu --cross-validation --folds 5 \
		--out var/eval/cross-validation

# The counselors' console (/console, docs/console.md): its database (CONSOLE_DB_URL) is
# migrated by `make run`; its first administrator is made once with this command, which
# asks for the password (there is no default account).
USERNAME ?= admin
console-admin: install ## create a console administrator (USERNAME=admin; asks for the password)
	$(BIN)/python -m console.admin create --username $(USERNAME)

console-db: install ## apply the console database's migrations (make run does it too)
	$(BIN)/python -m console.migrate

# Deletes conversations older than RETENTION_DAYS (30) from the tracker store, and the
# declined questions kept for counselors from the console database; run daily.
purge: install ## delete conversations and kept questions older than RETENTION_DAYS
	$(BIN)/python -m scripts.purge

clean: ## remove everything generated (model, knowledge base, tracker, caches)
	rm -rf models .rasa var .pytest_cache .mypy_cache .ruff_cache $(SYNONYMS)

# Scale-out: two Rasa servers sharing PostgreSQL and Redis (bot/endpoints-scale.yml), both
# started on 127.0.0.1 in a temporary directory (system-deps installs them when missing).
# Part of `make test`; docs/deployment.md records its figures.
test-scale: install kb train ## two Rasa servers sharing PostgreSQL and Redis
	@missing="$(MISSING_SYSTEM_PACKAGES)"; if [ -n "$$missing" ]; then \
		echo "installing missing system packages: $$missing"; $(MAKE) --no-print-directory system-deps; fi
	$(BIN)/python -m pytest -m scale

# How fast the assistant answers under load, next to a minimal utter-only bot (the floor):
# locust drives both over REST at 1, 20 and 50 concurrent conversations, one worker each,
# then at 20 with two workers each; one conversation of 200 messages is held alone and
# beside the load; also times `rasa train`, the knowledge build and the cold start, and
# reads each server's peak RSS. Writes docs/benchmarks.md (about 20 minutes on 2 cores).
# BENCH_SECONDS, BENCH_LEVELS, BENCH_RASA_URL and the rest: see bench/run.py.
bench: install kb train ## time the assistant under load next to the floor bot (docs/benchmarks.md)
	$(BIN)/python -m bench.run
