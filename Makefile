# Two commands on a fresh machine: `make chat` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: chat test lint run eval bench soak clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the project definition changes.
$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

chat: $(STAMP)
	$(BIN)/policybot chat

run: $(STAMP)
	$(BIN)/policybot run

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

test: lint
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/policybot eval tests/data/dev_questions.jsonl
	$(BIN)/policybot eval tests/data/heldout_questions.jsonl
	$(BIN)/policybot eval tests/data/safeguarding_train.jsonl
	if [ -f tests/data/safeguarding_heldout.jsonl ]; then \
		$(BIN)/policybot eval tests/data/safeguarding_heldout.jsonl; fi

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# On demand, not part of `make test`: 200 users against `policybot run` with injected faults
# and two SIGKILLs; writes benchmarks/soak-results.json and benchmarks/SOAK.md.
soak: $(STAMP)
	$(BIN)/python benchmarks/soak.py

clean:
	rm -rf $(VENV) var build *.egg-info
