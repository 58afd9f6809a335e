# The two commands of the README: `make run` and `make test`. The rest are their parts.
# Bash: scripts/env.sh, which the recipes source, finds the project through BASH_SOURCE.
SHELL := /bin/bash
.PHONY: help run test up down status test-fast test-production lint setup train validate dev-set held-out pytest tune-fallback tune-safety bench lock

help:           ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:[^#]*## /\t/' | expand -t 16

run:            ## set up, train if needed, start the assistant with the web chat page
	scripts/run.sh

test:           ## set up, validate, train and run every test
	scripts/test.sh

# The production layout (several Rasa servers behind nginx, PostgreSQL, Redis; README "Production layout").
up:             ## start the layout .env chooses (SAFE_HARBOUR_LAYOUT) in the background; logs in var/layout/
	scripts/layout.sh up

down:           ## stop what `make up` started
	scripts/layout.sh down

status:         ## is what `make up` started answering?
	scripts/layout.sh status

test-production: train  ## the production layout end to end: nginx, two Rasa servers, failover (a few minutes)
	scripts/setup.sh --production
	. scripts/env.sh && python -m pytest -rs -m production tests/python

lint: setup     ## ruff (lint and format check) and mypy, as configured in pyproject.toml
	scripts/lint.sh

test-fast: setup  ## the Python tests that start no server and train nothing (about 45 s of CPU)
	. scripts/env.sh && python -m pytest -m "not slow and not production" tests/python

setup:          ## Python virtual environment, locked packages, widget packages
	scripts/setup.sh

train: setup    ## train the model when the data, domain or config changed
	scripts/train.sh

validate: setup  ## check the training data and domain
	. scripts/env.sh && rasa data validate --domain domain.yml --data data --config config.yml --fail-on-warnings

dev-set: train  ## NLU report on evaluation/dev-set.yml (results/dev/report.md)
	. scripts/env.sh && python -m safe_harbour.evaluation.report --set dev

held-out: train  ## NLU report on our own held-out messages, evaluation/held-out/ (results/held-out/report.md)
	. scripts/env.sh && python -m safe_harbour.evaluation.report --set held-out

tune-safety: setup  ## cross-validation by paraphrase family: the safety detector's thresholds (results/cross-validation/)
	. scripts/env.sh && python -m safe_harbour.evaluation.cross_validation

pytest: setup   ## every Python test (servers on loopback; needs a trained model)
	. scripts/env.sh && python -m pytest tests/python

tune-fallback: setup  ## measure the fallback threshold on held-out training data
	. scripts/env.sh && python scripts/tune_fallback.py

bench: train    ## this project against Rasa's default pipeline: bench/results.md; PHASE=load runs one phase (bench/README.md)
	. scripts/env.sh && python bench/run.py $(if $(PHASE),--phases $(PHASE))

lock:           ## re-pin every Python dependency from requirements.in
	.venv/bin/pip install -r requirements.in && .venv/bin/pip freeze > requirements.lock
