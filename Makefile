# prospective-toolkit: `make kit` builds the default kit, `make test` runs the suite.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STUDY  ?= metiers-du-social-2040
OUT    ?= output

.PHONY: kit test test-min wheel lint lint-imports check messages system-deps install install-test figures clean help

help:
	@echo "make kit    create $(VENV), install, build the $(STUDY) kit into $(OUT)/"
	@echo "make test   install test tools, run ruff, the import contracts and the whole test suite"
	@echo "make test-min  the test suite on the oldest dependency versions we support"
	@echo "make wheel  build the installable package into dist/"
	@echo "make check  validate every study"

# e.g. LANG_OPTION="--lang fr": one edition only (default: every language of the study)
LANG_OPTION ?=
# The date of the follow-up report `make kit` builds when the study has experiments or a watch: the shipped
# example's watch and experiments are written as of this day (AS_OF=$$(date +%F) for today).
AS_OF ?= 2026-11-30

kit: install
	$(BIN)/prospective build $(STUDY) $(LANG_OPTION) --out $(OUT)
	@if [ -e scenarios/$(STUDY)/watch.yaml ] || [ -d scenarios/$(STUDY)/experiments ]; then \
	  echo "$(BIN)/prospective suivi $(STUDY) $(LANG_OPTION) --as-of $(AS_OF) --out $(OUT)"; \
	  $(BIN)/prospective suivi $(STUDY) $(LANG_OPTION) --as-of $(AS_OF) --out $(OUT); fi

# The suite includes tests/test_package.py: the wheel, installed in a fresh virtualenv,
# builds the shipped study from a folder outside the repository.
test: install-test
	$(BIN)/ruff check toolkit tests bench
	$(BIN)/lint-imports --no-logo
	$(BIN)/pytest --durations=15

# The same suite on the floors of pyproject.toml (requirements/minimum.txt), in its own virtualenv.
MIN_VENV := .venv-min
test-min: system-deps
	$(PYTHON) -m venv $(MIN_VENV)
	$(MIN_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(MIN_VENV)/bin/python -m pip install --quiet -r requirements/minimum.txt -e '.[test,browser]' -c requirements/minimum.txt
	$(MIN_VENV)/bin/pytest

wheel: install-test
	$(BIN)/python -m build --wheel --outdir dist .

lint-imports: install-test
	$(BIN)/lint-imports --no-logo

check: install
	$(BIN)/prospective check

# Refresh the translation catalogues after changing template strings.
# Rewrite docs/figures-<study>.md, the listing of the study's figures and their sources (tests/study/test_figures.py);
# written to a temporary file first, so that a study that fails to load never empties the listing.
figures: install
	$(BIN)/python -m toolkit.study.figures scenarios/$(STUDY) > docs/figures-$(STUDY).md.tmp
	mv docs/figures-$(STUDY).md.tmp docs/figures-$(STUDY).md

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
	$(BIN)/python -m pip install --quiet -e '.[test,browser]'
	@touch $@

install: system-deps $(VENV)/.installed
	@$(BIN)/python -c "import weasyprint" 2>/dev/null || { \
	  echo "WeasyPrint cannot load Pango. Install it: sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 (macOS: brew install pango)"; exit 1; }

install-test: install $(VENV)/.installed-test
	@bash tools/browser-deps.sh

clean:
	rm -rf $(VENV) $(MIN_VENV) $(OUT) dist .pytest_cache .ruff_cache .import_linter_cache *.egg-info
