# Two commands: `make site` builds the help center, `make test` runs every check and test.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
# One pytest worker per core (pytest-xdist): serially the suite takes about 10 minutes on two
# cores, in parallel about 4. `make test PYTEST_ARGS=` runs it in one process.
PYTEST_ARGS ?= -n auto

# Material 9.8 prints a notice about MkDocs 2 on every build; it is not actionable here.
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test lint check links bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

site: $(VENV)/.installed  ## build the site into site/ (fails on any error or warning)
	$(BIN)/mkdocs build --strict

serve: $(VENV)/.installed  ## browse the site at http://127.0.0.1:8000/
	$(BIN)/mkdocs serve --dirty --dev-addr 127.0.0.1:8000

check: $(VENV)/.installed  ## run kb's article checks without building
	$(BIN)/kb check --strict

links: site  ## check every link, anchor and asset of the built site
	$(BIN)/kb links site

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint  ## lint, type-check and run the whole test suite
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf site .pytest_cache .mypy_cache .ruff_cache
