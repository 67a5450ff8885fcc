# Two commands set up everything on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ROOT ?= .

.PHONY: run test bench fuzz e2e schemas clean

$(STAMP): pyproject.toml
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || (echo "Nhân Rộng needs Python 3.11 or newer" && false)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[test]"
	touch $(STAMP)

run: $(STAMP)
	$(BIN)/nhanrong serve $(ROOT)

test: $(STAMP)
	$(BIN)/ruff check src tests bench tools
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python -m bench

# Hostile files and killed saves, the long run (the suite runs a short one): FUZZ_ARGS="--cases 5000 --seed 1"
fuzz: $(STAMP)
	$(BIN)/python -m bench.fuzz $(FUZZ_ARGS)

schemas: $(STAMP)
	$(BIN)/nhanrong schemas --out schemas

clean:
	rm -rf $(VENV) .nhanrong .pytest_cache .hypothesis artifacts
