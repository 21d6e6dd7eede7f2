"""The `prospective` command: parses options and calls the library, nothing more."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from toolkit import __version__
from toolkit.errors import BuildError, InputError, Problem, display_path
from toolkit.project import UnknownStudy, select_studies
from toolkit.validate import load_study

EXIT_INVALID = 1
EXIT_USAGE = 2


class ToolkitGroup(click.Group):
    """Turns library errors into messages and exit codes, never a traceback."""

    def invoke(self, ctx: click.Context):
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
            raise click.UsageError(str(error), ctx) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            click.echo("interrupted: the previous output is unchanged", err=True)
            ctx.exit(130)
        except Exception as error:
            if os.environ.get("PROSPECTIVE_DEBUG"):
                raise
            click.echo(
                f"internal error: {type(error).__name__}: {error}\n"
                "    this is a bug in prospective-toolkit: please report it with the "
                "command you ran (PROSPECTIVE_DEBUG=1 shows the details)",
                err=True,
            )
            ctx.exit(3)


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        click.echo(str(problem), err=True)


study_argument = click.argument("study", required=False)


@click.group(cls=ToolkitGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="prospective")
def main() -> None:
    """Turn YAML foresight studies into print-ready workshop kits.

    STUDY is a study id under scenarios/ or the path of a study folder;
    without it, commands work on every study of the project.
    """


@main.command()
@study_argument
def check(study: str | None) -> None:
    """Validate a study and print every problem found (exit 1 if any)."""
    studies = [load_study(folder) for folder in _selected(study)]
    for loaded in studies:
        _report(loaded.warnings)
        click.echo(
            f"{display_path(loaded.folder)}: ok ({len(loaded.scenarios)} scenarios, "
            f"{len(loaded.meta.drivers)} drivers, {len(loaded.workshops)} workshops, "
            f"{len(loaded.methods)} methods)"
        )


@main.command()
@study_argument
@click.option("--lang", "language", help="Edition language (default: every language of the study).")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder the kits are written into.",
)
def build(study: str | None, language: str | None, out: Path) -> None:
    """Validate, then build the kit of a study as PDF and HTML."""
    from toolkit.build import build_kit  # WeasyPrint loads only when needed

    studies = [load_study(folder) for folder in _selected(study)]
    for loaded in studies:
        languages = [language] if language else loaded.languages
        for edition in languages:
            report = build_kit(loaded, edition, out)
            _print_report(report)


def _print_report(report) -> None:
    folder = display_path(report.plan.folder)
    click.echo(f"{folder}/ ({report.seconds:.1f} s)")
    for built in report.documents:
        pdf = built.planned.pdf_name
        click.echo(f"  {pdf:<32} {built.pages:>3} pages   + {built.planned.html_name}")
    click.echo("  index.html")
    for warning in report.warnings:
        click.echo(f"  warning: {warning}", err=True)


@main.command("list")
@study_argument
def list_(study: str | None) -> None:
    """List studies, their scenarios (baseline marked) and drivers."""
    studies = [load_study(folder) for folder in _selected(study)]
    for loaded in studies:
        meta = loaded.meta
        language = meta.language
        click.echo(
            f"{loaded.id}: {meta.title.get(language)} (horizon {meta.horizon}, "
            f"languages: {', '.join(loaded.languages)})"
        )
        click.echo("  scenarios:")
        for scenario in loaded.scenarios:
            mark = "  [baseline]" if scenario.data.baseline else ""
            click.echo(f"    {scenario.id:<28} {scenario.data.title.get(language)}{mark}")
        click.echo("  drivers:")
        for driver in meta.drivers:
            click.echo(
                f"    {driver.id:<28} {driver.name.get(language)} ({len(driver.hypotheses)} hypotheses)"
            )


def _selected(study: str | None) -> list[Path]:
    return select_studies(study, Path.cwd())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
