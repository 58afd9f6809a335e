# The two commands of the README: `make run` and `make test`. The rest are their parts.
.PHONY: run test setup train validate stories dev-set pytest tune-fallback bench lock

run:            ## set up, train if needed, start the assistant with the web chat page
	scripts/run.sh

test:           ## set up, validate, train and run every test
	scripts/test.sh

setup:
	scripts/setup.sh

train: setup
	scripts/train.sh

validate: setup
	. scripts/env.sh && rasa data validate --domain domain.yml --data data --config config.yml --fail-on-warnings

dev-set: train  ## NLU report on evaluation/dev-set.yml
	. scripts/env.sh && python -m safe_harbour.evaluation.dev_set

pytest: setup
	. scripts/env.sh && python -m pytest tests/python

tune-fallback: setup  ## measure the fallback threshold on held-out training data
	. scripts/env.sh && python scripts/tune_fallback.py

bench: train    ## this project against Rasa's default pipeline: bench/results.md (see bench/README.md)
	. scripts/env.sh && python bench/run.py

lock:           ## re-pin every Python dependency from requirements.in
	.venv/bin/pip install -r requirements.in && .venv/bin/pip freeze > requirements.lock
