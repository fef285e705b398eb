# Two commands on a fresh machine: `make chat` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: chat test lint install-check run eval bench soak clean

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

# The wheel, installed without extras into a fresh venv, runs from outside the source tree.
install-check: $(STAMP)
	PYTHON=$(PYTHON) scripts/check_install.sh

test: lint install-check
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/policybot eval tests/data/dev_questions.jsonl
	$(BIN)/policybot eval tests/data/heldout_questions.jsonl

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# On demand, not part of `make test`: 200 users against `policybot run` with injected faults
# and two SIGKILLs; writes benchmarks/soak-results.json and benchmarks/SOAK.md.
soak: $(STAMP)
	$(BIN)/python benchmarks/soak.py

clean:
	rm -rf $(VENV) var build *.egg-info
