# The two commands of the README: `make run` and `make test`. The rest are their parts.
.PHONY: run test setup train validate stories dev-set held-out pytest tune-fallback tune-safety bench lock

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

dev-set: train  ## NLU report on evaluation/dev-set.yml (results/dev/report.md)
	. scripts/env.sh && python -m safe_harbour.evaluation.report --set dev

held-out: train  ## NLU report on our own held-out messages, evaluation/held-out/ (results/held-out/report.md)
	. scripts/env.sh && python -m safe_harbour.evaluation.report --set held-out

tune-safety: setup  ## cross-validation by paraphrase family: the safety detector's thresholds (results/cross-validation/)
	. scripts/env.sh && python -m safe_harbour.evaluation.cross_validation

pytest: setup
	. scripts/env.sh && python -m pytest tests/python

tune-fallback: setup  ## measure the fallback threshold on held-out training data
	. scripts/env.sh && python scripts/tune_fallback.py

bench: train    ## this project against Rasa's default pipeline: bench/results.md; PHASE=load runs one phase (bench/README.md)
	. scripts/env.sh && python bench/run.py $(if $(PHASE),--phases $(PHASE))

lock:           ## re-pin every Python dependency from requirements.in
	.venv/bin/pip install -r requirements.in && .venv/bin/pip freeze > requirements.lock
