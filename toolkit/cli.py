"""The `prospective` command: parses options and calls the library, nothing more."""

from __future__ import annotations

import os
import signal
import sys
import threading
from pathlib import Path

import click

from toolkit import __version__
from toolkit.errors import BuildError, InputError, Problem, Problems, did_you_mean, display_path, os_problem, printable
from toolkit.study.discovery import UnknownStudy, default_studies_dir, resolve_study, select_studies
from toolkit.study.load import load_study

EXIT_INVALID = 1
EXIT_USAGE = 2


class Stopped(Exception):
    """SIGTERM arrived: stop like Ctrl-C (the build's `finally` blocks and workers clean up)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame) -> None:
    raise Stopped(signum)


class ToolkitGroup(click.Group):
    """Turns library errors into messages and exit codes, never a traceback."""

    def invoke(self, ctx: click.Context):
        on_main_thread = threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGTERM, _stop) if on_main_thread else None
        try:
            return self._invoke(ctx)
        finally:
            if on_main_thread:
                signal.signal(signal.SIGTERM, previous)

    def _invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except InputError as error:
            _report(error.problems.sorted())
            click.echo(f"{len(error.problems)} problem(s) found: nothing was written.", err=True)
            ctx.exit(EXIT_INVALID)
        except BuildError as error:
            _report([error.problem])
            ctx.exit(EXIT_INVALID)
        except UnknownStudy as error:
            raise click.UsageError(printable(str(error)), ctx) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted: the previous output is unchanged", err=True)
            ctx.exit(130)
        except Stopped as stopped:
            click.echo("stopped (SIGTERM): the previous output is unchanged", err=True)
            ctx.exit(128 + stopped.signum)
        except OSError as error:  # the machine said no (disk full, read-only, permissions): in words
            _report([os_problem(error, "use")])
            ctx.exit(EXIT_INVALID)
        except MemoryError:
            click.echo("error: out of memory: the input is too large for this computer", err=True)
            ctx.exit(EXIT_INVALID)
        except Exception as error:
            if os.environ.get("PROSPECTIVE_DEBUG"):
                raise
            click.echo(
                f"internal error: {type(error).__name__}: {printable(str(error))}\n"
                "    this is a bug in prospective-toolkit: please report it with the "
                "command you ran (PROSPECTIVE_DEBUG=1 shows the details)",
                err=True,
            )
            ctx.exit(3)


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


study_argument = click.argument("study", required=False)
out_option = click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder the kits are written into.",
)


@click.group(cls=ToolkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="prospective")
@click.option("--studies", "studies", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="Folder holding the studies, one sub-folder each (default: ./scenarios/).")
@click.pass_context
def main(ctx: click.Context, studies: Path | None) -> None:
    """Turn YAML foresight studies into print-ready workshop kits.

    STUDY is a study id under the studies folder (./scenarios/ unless --studies
    says otherwise) or the path of a study folder; without it, commands work on
    every study of that folder.
    """
    ctx.obj = studies if studies is not None else default_studies_dir()


@main.command()
@study_argument
@click.option("--strict", is_flag=True, help="Treat warnings (weak content) as errors: exit 1 if there is any.")
def check(study: str | None, strict: bool) -> None:
    """Validate a study and print every problem found (exit 1 if any).

    Warnings point at weak content (identical scenarios, short narratives, figures
    without a source, forgotten professions or personas, drivers that never move,
    incompatible hypotheses picked together): they are printed, and fail the check
    only with --strict.
    """
    studies = [load_study(folder, review=True) for folder in _selected(study)]
    treated = 0
    for loaded in studies:
        warnings = Problems(list(loaded.warnings)).sorted()
        _report(warnings)
        if strict and warnings:
            treated += len(warnings)
            continue
        counts = ", ".join(_count(len(items), name) for items, name in (
            (loaded.scenarios, "scenario"), (loaded.meta.drivers, "driver"), (loaded.workshops, "workshop"),
            (loaded.methods, "method")))
        click.echo(f"{display_path(loaded.folder)}: ok ({counts}), {_count(len(warnings), 'warning')}")
    if treated:
        click.echo(f"{treated} warning(s) treated as errors (--strict)", err=True)
        raise click.exceptions.Exit(EXIT_INVALID)


@main.command()
@study_argument
@click.option("--lang", "language", help="Edition language (default: every language of the study).")
@click.option("--workshop", "workshop", metavar="ID", help="Build only this workshop's kit.")
@out_option
def build(study: str | None, language: str | None, workshop: str | None, out: Path) -> None:
    """Validate, then build the kit of a study (and its workshops) as PDF and HTML."""
    from toolkit.kit.build import build_kit  # WeasyPrint loads only when needed

    studies = [load_study(folder, review=True) for folder in _selected(study)]
    for loaded in studies:
        _check_workshop_id(loaded, workshop)
        _check_language(loaded, language)
    for loaded in studies:
        _report(loaded.warnings)
        languages = [language] if language else loaded.languages
        for edition in languages:
            _print_report(build_kit(loaded, edition, out, workshop))


def _check_language(study, language: str | None) -> None:
    """--lang names an edition of the study (it becomes a folder of the kit: never a path)."""
    if language is not None and language not in study.languages:
        known = study.languages
        raise click.UsageError(f"no '{printable(language)}' edition in {study.id}{did_you_mean(language, known)}; "
                               f"its languages: {', '.join(known)} (add one to `languages:` in study.yaml)")


def _check_workshop_id(study, workshop: str | None) -> None:
    known = [w.id for w in study.workshops]
    if workshop is not None and workshop not in known:
        listing = ", ".join(known) or "none"
        raise click.UsageError(f"no workshop '{printable(workshop)}' in {study.id}{did_you_mean(workshop, known)}; "
                               f"workshops: {listing}")


def _print_report(report) -> None:
    click.echo(f"{display_path(report.plan.folder)}/ ({report.seconds:.1f} s)")
    folders = dict.fromkeys(built.folder for built in report.documents)
    for folder in folders:
        indent = "  "
        if folder:
            click.echo(f"  {folder}/")
            indent = "    "
        for built in report.in_folder(folder):
            pages = f"{built.pages} page" + ("s" if built.pages > 1 else "")
            click.echo(f"{indent}{built.planned.pdf_name:<40} {pages:>9}   + {built.planned.html_name}")
        if "/" not in folder:  # a report folder has neither index nor zip
            click.echo(f"{indent}index.html" + (f", {folder}.zip" if folder else ""))
    for warning in report.warnings:
        click.echo(f"  warning: {printable(warning)}", err=True)


@main.command("list")
@study_argument
def list_(study: str | None) -> None:
    """List studies, their scenarios (baseline marked) and drivers."""
    studies = [load_study(folder) for folder in _selected(study)]
    for loaded in studies:
        meta = loaded.meta
        language = meta.language
        click.echo(
            f"{loaded.id}: {printable(meta.title.get(language))} (horizon {meta.horizon}, "
            f"languages: {', '.join(loaded.languages)})"
        )
        click.echo("  scenarios:")
        for scenario in loaded.scenarios:
            mark = "  [baseline]" if scenario.data.baseline else ""
            click.echo(f"    {scenario.id:<28} {printable(scenario.data.title.get(language))}{mark}")
        click.echo("  drivers:")
        for driver in meta.drivers:
            click.echo(
                f"    {driver.id:<28} {printable(driver.name.get(language))} ({len(driver.hypotheses)} hypotheses)"
            )


@main.command()
@click.argument("study")
def explore(study: str) -> None:
    """Explore the scenario space: combinations, consistency, ideas.

    Counts the combinations of one hypothesis per driver and those that pick no
    `incompatible` pair of study.yaml, shows how many drivers each scenario changes
    from the baseline, and lists consistent combinations furthest from every
    existing scenario, as ideas for a missing one.
    """
    from toolkit.authoring.explore import explore as explore_space
    from toolkit.authoring.explore import report_lines

    loaded = load_study(_selected(study)[0])
    for line in report_lines(loaded, explore_space(loaded)):
        click.echo(printable(line))


@main.command()
@click.argument("study")
@click.option("--workshop", "workshop", metavar="ID", required=True, help="The workshop whose results to report.")
@click.option("--lang", "language", help="Edition language (default: every language of the study).")
@out_option
def report(study: str, workshop: str, language: str | None, out: Path) -> None:
    """Build a workshop's synthesis report from its results file (PDF and HTML)."""
    from toolkit.kit.build import build_report

    loaded = load_study(_selected(study)[0])
    _check_workshop_id(loaded, workshop)
    _check_language(loaded, language)
    if next(w for w in loaded.workshops if w.id == workshop).results is None:
        raise click.UsageError(f"workshop '{workshop}' has no results yet: type the capture sheets into "
                               f"results/{workshop}.yaml, or use `prospective import`")
    _report(loaded.warnings)
    for edition in [language] if language else loaded.languages:
        _print_report(build_report(loaded, edition, out, workshop))


@main.command("import")
@click.argument("study")
@click.option("--workshop", "workshop", metavar="ID", required=True, help="The workshop the ratings come from.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def import_(study: str, workshop: str, file: Path) -> None:
    """Import ratings from a spreadsheet (CSV) into STUDY/results/<ID>.yaml.

    FILE has a header row, then one row per person and scenario:

    \b
      group,scenario,probability,desirability,participant
      table-a,plateformes,4,2,Awa
      table-a,communs,3,,Awa

    \b
    group         a group id of the workshop plan
    scenario      a scenario id of the study
    probability   a whole number from 1 (not at all) to 5 (very); empty: not rated
    desirability  the same
    participant   optional, ignored (for your own bookkeeping)

    French headers work too: groupe, scénario, probabilité, désirabilité,
    participant·e (case and surrounding spaces do not matter). The separator is
    a comma or a semicolon; save the file as "CSV UTF-8". Empty rows are skipped.

    The ratings of every group in FILE replace that group's ratings (an import
    never adds up); everything else in the results file, comments included, is
    kept. Every problem is reported as FILE:ROW:COL (the header is row 1),
    and nothing is written when there is any.
    """
    from toolkit.synthesis.importer import import_ratings

    loaded = load_study(resolve_study(study, _studies_dir()))
    _check_workshop_id(loaded, workshop)
    for line in import_ratings(loaded, workshop, file).lines():
        click.echo(printable(line))


@main.command()
@click.argument("study")
@click.option("--lang", "language", help="Edition language (default: the study's language).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on; anything but loopback exposes the study to the network.")
def serve(study: str, language: str | None, port: int, host: str) -> None:
    """Preview a study's kit in the browser, rebuilt and reloaded on every change.

    HTML only (no PDF), served from memory at http://HOST:PORT/. When a file is
    invalid, every page lists the problems until it is fixed. Ctrl-C stops.
    """
    from toolkit.authoring.serve import serve as run_preview

    folder = _selected(study)[0]
    try:
        run_preview(folder, language, host, port, echo=click.echo)
    except OSError as error:
        raise click.ClickException(f"cannot listen on {host}:{port}: {error.strerror or error}") from None


@main.group()
def new() -> None:
    """Start a study, a scenario or a workshop plan from a valid, commented scaffold.

    The new file passes `prospective check` as written: replace every « À écrire »
    placeholder. An existing file is never overwritten.
    """


@new.command("study")
@click.argument("study_id", metavar="ID")
def new_study(study_id: str) -> None:
    """Create ID/ in the studies folder, with study.yaml and the baseline scenario."""
    from toolkit.authoring.scaffold import new_study as scaffold
    _print_created(scaffold(_studies_dir(), study_id), study_id)


@new.command("scenario")
@click.argument("study")
@click.argument("scenario_id", metavar="ID")
def new_scenario(study: str, scenario_id: str) -> None:
    """Create STUDY/scenarios/ID.yaml, every pick copied from the baseline."""
    from toolkit.authoring.scaffold import new_scenario as scaffold

    folder = _selected(study)[0]
    _print_created([scaffold(folder, scenario_id)], study)


@new.command("workshop")
@click.argument("study")
@click.argument("workshop_id", metavar="ID")
def new_workshop(study: str, workshop_id: str) -> None:
    """Create STUDY/workshops/ID.yaml: a half-day agenda of library methods."""
    from toolkit.authoring.scaffold import new_workshop as scaffold

    folder = _selected(study)[0]
    _print_created([scaffold(folder, workshop_id)], study)


def _print_created(paths: list[Path], study: str) -> None:
    for path in paths:
        click.echo(f"created {display_path(path)}")
    click.echo(f"replace the « À écrire » placeholders, then run `prospective check {study}`")


@main.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder the schemas are written into (default: the project's schemas/).")
def schema(out: Path | None) -> None:
    """Write the JSON Schema of every file kind (study, scenario, workshop, results, method).

    Editors read them through a first line like
    `# yaml-language-server: $schema=../../../schemas/scenario.schema.json`.
    """
    from toolkit.study.schema import SCHEMA_DIR, write_reference, write_schemas

    for path in write_schemas(out or SCHEMA_DIR):
        click.echo(f"wrote {display_path(path)}")
    if out is None:  # the field reference of CONTRIBUTING.md follows the project's schemas
        click.echo(f"wrote {display_path(write_reference())}")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def _studies_dir() -> Path:
    """The folder of studies the root command was given (or ./scenarios/)."""
    return click.get_current_context().find_root().obj


def _selected(study: str | None) -> list[Path]:
    return select_studies(study, _studies_dir())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
