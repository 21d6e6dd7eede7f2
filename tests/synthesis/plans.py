"""Agendas for the synthesis tests: what a workshop captures decides what its report shows.

The workshop fixture's results hold actions tested in every scenario; a study refuses results
no activity of the agenda captures, so the copies these tests use add the activities that
capture them (backcasting for the actions, wind-tunnelling for their verdicts) when the
fixture's agenda lacks them, and move the end of the session accordingly.
"""

from __future__ import annotations

import io
from pathlib import Path

from ruamel.yaml import YAML
from ruamel.yaml.scalarstring import DoubleQuotedScalarString

PLAN = Path("workshops") / "atelier.yaml"
ACTIONS = {"method": "retro-prospective", "duration": 30, "scenarios": "groups"}
VERDICTS = {"method": "soufflerie", "duration": 30, "scenarios": "all"}
VOTE = "vote-probabilite-desirabilite"


def _edit_agenda(folder: Path, change) -> Path:
    """Apply `change` to the agenda of the copy's plan, keeping the session as long as the activities."""
    yaml = YAML()
    yaml.preserve_quotes = True
    path = folder / PLAN
    plan = yaml.load(path.read_text(encoding="utf-8"))
    agenda = plan["agenda"]
    before = sum(item["duration"] for item in agenda)
    change(agenda)
    hours, minutes = (int(part) for part in str(plan["end"]).split(":"))
    end = hours * 60 + minutes + sum(item["duration"] for item in agenda) - before
    plan["end"] = DoubleQuotedScalarString(f"{end // 60:02d}:{end % 60:02d}")  # a time, not a number
    output = io.StringIO()
    yaml.dump(plan, output)
    path.write_text(output.getvalue(), encoding="utf-8")
    return folder


def with_activities(folder: Path, *activities: dict) -> Path:
    """Add each activity the agenda does not run yet, before the last one."""
    def change(agenda):
        for activity in activities:
            if all(item["method"] != activity["method"] for item in agenda):
                agenda.insert(len(agenda) - 1, dict(activity))
    return _edit_agenda(folder, change)


def without_activities(folder: Path, *methods: str) -> Path:
    """Take the activities of these methods out of the agenda."""
    def change(agenda):
        agenda[:] = [item for item in agenda if item["method"] not in methods]
    return _edit_agenda(folder, change)


def capturing_everything(folder: Path) -> Path:
    """The fixture's copy with an agenda that captures the actions and their verdicts too."""
    return with_activities(folder, ACTIONS, VERDICTS)
