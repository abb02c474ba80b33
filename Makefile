# Everyday commands. Everything a fresh Debian machine needs is installed by these targets:
# the Python packages into .venv, and MediaWiki + PHP (for the local wiki of the demo and
# the integration tests) through the one mechanism, LocalWiki.ensure_packages().

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: venv system test demo lint bench localwiki screenshots clean distclean

venv: $(STAMP)

# Reinstalled only when pyproject.toml changed since the last install.
$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q -e '.[dev]'
	touch $@

# Debian's mediawiki and PHP packages, when missing (apt-get; sudo when not root).
system: venv
	$(BIN)/python -m outreachbot.localwiki install

test: venv system
	$(BIN)/pytest -q

demo: venv system
	$(BIN)/outreachbot demo

lint: venv
	$(BIN)/ruff check src tests scripts families
	$(BIN)/mypy

# The request, time and memory figures of SPEC section 6, measured on a throwaway local
# wiki with a large scenario (a few minutes; see docs/performance.md).
bench: venv system
	$(BIN)/python -m outreachbot.bench

# Start the local wiki (created on first use) and seed it; it keeps running.
localwiki: venv system
	$(BIN)/python -m outreachbot.localwiki seed

# The pictures of docs/organizers.md and docs/operators.md, from a throwaway local wiki,
# taken with headless Chromium (Debian's chromium package, installed by apt when missing).
screenshots: venv system
	$(BIN)/python -m outreachbot.screenshots docs/img

clean:
	-test -x $(BIN)/python && $(BIN)/python -m outreachbot.localwiki stop
	rm -rf .localwiki .localwiki-fr .pytest_cache .mypy_cache .ruff_cache .hypothesis build dist
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -exec rm -rf {} +

distclean: clean
	rm -rf $(VENV) src/*.egg-info
