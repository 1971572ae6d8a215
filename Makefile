# Two commands from a fresh clone: `make demo` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench load fuzz clean setup

$(STAMP): pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

setup: $(STAMP)

demo: $(STAMP)
	$(BIN)/treatywatch demo

lint: $(STAMP)
	$(BIN)/ruff format --check src tests benchmarks fuzz
	$(BIN)/ruff check src tests benchmarks fuzz
	$(BIN)/mypy

test: $(STAMP) lint
	$(BIN)/pytest -q

bench: $(STAMP)
	$(BIN)/python -m benchmarks --out bench-results.json

# Long runs of the concurrency and SIGKILL tests (make test runs a few of each).
load: $(STAMP)
	TREATYWATCH_LOAD_REQUESTS=100 TREATYWATCH_KILL_RUNS=30 \
		$(BIN)/pytest -q tests/test_concurrency.py tests/test_kill.py

# Long fuzzing: the hypothesis fuzz tests with a large budget, then FUZZ_INPUTS inputs
# through the whole pipeline on two processes (crashes are kept in fuzz/crashes/).
TREATYWATCH_FUZZ_EXAMPLES ?= 20000
FUZZ_INPUTS ?= 100000
fuzz: $(STAMP)
	TREATYWATCH_FUZZ_EXAMPLES=$(TREATYWATCH_FUZZ_EXAMPLES) $(BIN)/pytest -q tests/test_fuzz.py
	$(BIN)/python fuzz/run.py --inputs $(FUZZ_INPUTS) --workers 2

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info
