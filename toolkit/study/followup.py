"""The follow-up of a study (issue 16): its network of actors, its experiments, its watch.

A study may give, beside its scenarios and workshops:

- `network.yaml`: the organisations of its network (by territory, by theme = driver), and their
  contacts, whose names, e-mails and phones are printed only when the person is `public`;
- `experiments/<id>.yaml`: one experiment per file (the file name is its id), taking up actions of
  the workshops' results, with its indicators (baseline, target, measures);
- `watch.yaml`: dated observations (weak signals), each pointing to hypotheses of the study.

An action of a results file may carry a `trigger` (`toolkit.study.model.Trigger`): the signals that
should set it off. Here: the file models only (checked by `toolkit.study.load`, which adds the rules
that span files). No file reading; the computations live in `toolkit.synthesis.followup`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from toolkit.study.model import (
    ACTION_REF_PATTERN,
    HYPOTHESIS_REF_PATTERN,
    ActionRef,
    Day,
    HypothesisRef,
    LocalText,
    Number,
    Slug,
    Strict,
    Trigger,
)

NETWORK_FILE = "network.yaml"
EXPERIMENTS_DIR = "experiments"
WATCH_FILE = "watch.yaml"

# The kinds of organisation (YAML words; their French labels come from the catalogue).
ORGANISATION_KINDS = ("departement", "commune", "intercommunalite", "ccas", "association", "etat", "ecole",
                      "recherche", "entreprise", "personnes-accompagnees", "autre")
# An experiment's status, in the order of its life (YAML words; French labels through the catalogue).
STATUSES = ("idee", "en-preparation", "en-cours", "evaluee", "arretee")
CLOSED_STATUSES = ("evaluee", "arretee")  # no review is overdue for these

HYPOTHESIS_REF = HYPOTHESIS_REF_PATTERN  # "<driver id>/<hypothesis id>"
ACTION_REF = ACTION_REF_PATTERN  # "<workshop id>/<group id>/<action key>"

MAX_NAME_CHARS = 200
MAX_CONTACT_CHARS = 300

Name = Annotated[str, Field(min_length=1, max_length=MAX_NAME_CHARS)]

__all__ = [
    "ACTION_REF", "CLOSED_STATUSES", "EXPERIMENTS_DIR", "HYPOTHESIS_REF", "NETWORK_FILE", "ORGANISATION_KINDS",
    "STATUSES", "WATCH_FILE", "Dated", "ExperimentFile", "ExperimentIndicator", "NetworkFile", "NetworkPerson",
    "Organisation", "Trigger", "WatchFile", "WatchSignal",
]


# --- network.yaml ------------------------------------------------------------------------


class NetworkPerson(Strict):
    """A contact of an organisation. Only its role is printed, unless `public` is true."""

    name: Name | None = None
    role: LocalText
    email: str | None = Field(default=None, min_length=1, max_length=MAX_CONTACT_CHARS)
    phone: str | None = Field(default=None, min_length=1, max_length=MAX_CONTACT_CHARS)  # a string: "04 76 00 00 00"
    public: bool = False  # false: name, email and phone are printed in no document


class Organisation(Strict):
    """An organisation of the network."""

    id: Slug
    name: Name  # printed as written, in every edition
    kind: Literal[ORGANISATION_KINDS]  # type: ignore[valid-type]
    territories: list[Slug] = Field(default_factory=list)  # territory ids of the study (territories/<id>.yaml)
    themes: list[Slug] = Field(default_factory=list)  # driver ids of the study
    brings: LocalText | None = None
    seeks: LocalText | None = None
    website: str | None = Field(default=None, max_length=MAX_CONTACT_CHARS, pattern=r"^https?://")
    people: list[NetworkPerson] = Field(default_factory=list)


class NetworkFile(Strict):
    """`network.yaml`: the network of actors of a study."""

    example: bool = False  # made-up data (a shipped example): the documents say so
    note: LocalText | None = None  # printed on the carnet's first page
    organisations: list[Organisation] = Field(min_length=1)


# --- experiments/<id>.yaml --------------------------------------------------------------


class Dated(Strict):
    """A value at a date: an indicator's baseline, target or measure."""

    date: Day
    value: Number


Point = Dated


class ExperimentIndicator(Strict):
    """What an experiment measures: from its baseline towards its target, with the measures taken."""

    id: Slug
    name: LocalText
    unit: LocalText
    baseline: Dated
    target: Dated
    measures: list[Dated] = Field(default_factory=list)  # dates increasing, none before the baseline's


class ExperimentFile(Strict):
    """`experiments/<id>.yaml`: an experiment run in a territory; its id is the file name."""

    id: Slug | None = None
    title: LocalText
    territory: Slug  # a territory id of the study
    lead: Slug  # an organisation id of network.yaml
    partners: list[Slug] = Field(default_factory=list)  # organisation ids
    actions: list[ActionRef] = Field(default_factory=list)  # actions taken up: "<workshop>/<group>/<key>"
    scenarios: list[Slug] = Field(default_factory=list)  # scenario ids it prepares for
    hypotheses: list[HypothesisRef] = Field(default_factory=list)  # hypotheses it tests: "<driver>/<hypothesis>"
    status: Literal[STATUSES]  # type: ignore[valid-type]
    started: Day | None = None
    ends: Day | None = None
    next_review: Day | None = None
    summary: LocalText | None = None
    learnt: LocalText | None = None
    indicators: list[ExperimentIndicator] = Field(default_factory=list)


# --- watch.yaml --------------------------------------------------------------------------


class WatchSignal(Strict):
    """One dated observation of the watch, and the hypotheses it points to."""

    date: Day
    text: LocalText
    territory: Slug | None = None  # a territory id of the study
    source: str | None = Field(default=None, min_length=1, max_length=MAX_CONTACT_CHARS)  # printed as text
    hypotheses: list[HypothesisRef] = Field(min_length=1)
    seen_by: Slug | None = None  # an organisation id of network.yaml, never a person


class WatchFile(Strict):
    """`watch.yaml`: the watch of a study, dated signals."""

    example: bool = False
    note: LocalText | None = None
    signals: list[WatchSignal] = Field(default_factory=list)
