"""Placeholders in method texts: `{horizon}`, `{period}`, `{field}`, `{people}`, `{professionals}`, `{sheet}`.

A method of the library serves every study, so its texts must not name one study's horizon,
domain or time of day. They write a placeholder instead, which the kit replaces for each study
and workshop (`toolkit.kit.render`). Replacement is plain string substitution from a fixed
dict: no template code, no attribute access, nothing a method file can reach beyond these
names. `prospective check` reports any other `{name}` in a method file, located
(`toolkit.study.workshops`). Pure: the kit imports it too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

PLACEHOLDERS: dict[str, str] = {
    "horizon": "the study's horizon year (2040)",
    "period": "the time of day of the workshop (la matinée, l'après-midi, la journée, la soirée; "
              "l'atelier outside a workshop)",
    "field": "what the study is about (study.yaml audience.field: les métiers étudiés)",
    "people": "the people the services serve (study.yaml audience.people: les personnes concernées)",
    "professionals": "who works there (study.yaml audience.professionals: les professionnel·les)",
    "sheet": "the name of the group's capture sheet",
}

PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def fill(text: str, values: Mapping[str, str]) -> str:
    """`text` with every known `{name}` replaced by `values[name]`; anything else is left as written.

    One pass over the text: a value that itself contains `{horizon}` is not replaced again.
    """
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return values[name] if name in PLACEHOLDERS and name in values else match.group(0)

    return PLACEHOLDER.sub(replace, text)
