# prospective-toolkit: `make kit` builds the default kit, `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STUDY  ?= metiers-du-social-2040
OUT    ?= output

.PHONY: kit test lint check messages system-deps install install-test clean help

help:
	@echo "make kit    create $(VENV), install, build the $(STUDY) kit into $(OUT)/"
	@echo "make test   install test tools, run ruff and the whole test suite"
	@echo "make check  validate every study"

kit: install
	$(BIN)/prospective build $(STUDY) --out $(OUT)

test: install-test
	$(BIN)/ruff check toolkit tests bench
	$(BIN)/pytest

check: install
	$(BIN)/prospective check

# Refresh the translation catalogues after changing template strings.
messages: install
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --sort-output --omit-header \
	  -o templates/locale/messages.pot .
	$(BIN)/pybabel update -i templates/locale/messages.pot -d templates/locale \
	  --ignore-obsolete --no-fuzzy-matching -w 100

lint: install-test
	$(BIN)/ruff check toolkit tests bench

# System libraries: Pango (required by WeasyPrint) and an open font with full French
# coverage. Installed with apt-get when we can (root on Debian/Ubuntu); otherwise we say
# what is missing and carry on with DejaVu, which WeasyPrint machines always have.
system-deps:
	@bash tools/system-deps.sh

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: $(VENV)/.installed
	$(BIN)/python -m pip install --quiet -e '.[test]'
	@touch $@

install: system-deps $(VENV)/.installed
	@$(BIN)/python -c "import weasyprint" 2>/dev/null || { \
	  echo "WeasyPrint cannot load Pango. Install it: sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 (macOS: brew install pango)"; exit 1; }

install-test: install $(VENV)/.installed-test
	@bash tools/browser-deps.sh

clean:
	rm -rf $(VENV) $(OUT) .pytest_cache .ruff_cache *.egg-info
