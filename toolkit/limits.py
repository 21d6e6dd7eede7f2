"""How much work one input may ask for: every bound of the toolkit, in one place.

A study travels between organisations, so its files are untrusted: no input may keep the
toolkit busy for long or fill the memory. Each bound below is far above what a real study
needs (the shipped one uses a few per cent of each) and is reported, when reached, as a
located problem that names the bound and how to raise it. The bounds a user could need to
raise read an environment variable `PROSPECTIVE_<NAME>` (a whole number), documented in
docs/security.md.
"""

from __future__ import annotations

import os

ENV_PREFIX = "PROSPECTIVE_"


def _bound(name: str, default: int) -> int:
    """The bound `name`, from PROSPECTIVE_<NAME> when it holds a positive whole number."""
    raw = os.environ.get(ENV_PREFIX + name, "").strip()
    return int(raw) if raw.isdigit() and int(raw) > 0 else default


def env_name(name: str) -> str:
    """The environment variable that raises a bound, for messages."""
    return ENV_PREFIX + name


MIB = 1024 * 1024

# YAML files of a study (study.yaml, scenarios, workshop plans, results, methods).
MAX_YAML_BYTES = _bound("MAX_YAML_BYTES", 4 * MIB)
MAX_YAML_DEPTH = 64  # nesting of mappings and lists: a study needs about 8
MAX_YAML_NODES = _bound("MAX_YAML_NODES", 500_000)  # values built, aliases expanded included
MAX_TEXT_CHARS = _bound("MAX_TEXT_CHARS", 200_000)  # one text field (a narrative is about 4,000)
MAX_NUMBER_CHARS = 100  # one number as written: years, counts and minutes need a few digits
MAX_MARKUP_CHARS = _bound("MAX_MARKUP_CHARS", 100_000)  # Markdown marks in the texts of one file (a scenario: ~50)

# Numbers a plan or a results file may hold.
MIN_YEAR, MAX_YEAR = 1900, 2300
MAX_PARTICIPANTS = 10_000
MAX_TALLY = 1_000_000  # people who gave one rating, in one group
MAX_RESULTS_RATINGS = 10 * MAX_TALLY  # marks in all the tallies of one results file

# CSV files given to `prospective import`: read line by line, never whole.
MAX_CSV_BYTES = _bound("MAX_CSV_BYTES", 50 * MIB)
MAX_CSV_ROWS = _bound("MAX_CSV_ROWS", 200_000)
MAX_CSV_LINE_CHARS = 10_000
MAX_CSV_PROBLEMS = 100  # problems reported before the rest of a file goes unchecked

# `prospective explore`: the steps each of its figures may take (beyond, it says it estimates).
MAX_COMBINATIONS = _bound("MAX_COMBINATIONS", 2_000_000)

# Rendering one document from its template.
MAX_RENDER_SECONDS = _bound("MAX_RENDER_SECONDS", 120)
MAX_HTML_BYTES = _bound("MAX_HTML_BYTES", 64 * MIB)

# Ids become file and folder names.
MAX_ID_CHARS = 64
