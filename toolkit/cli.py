"""The `prospective` command: parses options and calls the library, nothing more."""

from __future__ import annotations

import os
import re
import shutil
import signal
import sys
import threading
from contextlib import suppress
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TextIO

import click

from toolkit import __version__
from toolkit.errors import BuildError, InputError, Problem, Problems, did_you_mean, display_path, os_problem, printable
from toolkit.language import N_, _, configure, current, decimal, ngettext, spoken, translations
from toolkit.study.discovery import UnknownStudy, default_studies_dir, resolve_study, select_studies
from toolkit.study.load import load_study
from toolkit.study.model import EASY_READ, EDITIONS, STANDARD_EDITION
from toolkit.study.notes import editor_notes

EXIT_INVALID = 1
EXIT_USAGE = 2
QUIET, NORMAL, VERBOSE = -1, 0, 1
OUTPUT_KEY = "prospective.output"


# --- how the command speaks -----------------------------------------------------------------


def colour_wanted(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set to anything (https://no-color.org)."""
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no stream, or a closed one
        return False


@dataclass
class Output:
    """What the command prints, and where: results on stdout, problems on stderr.

    `-q` keeps only the problems, `-v` adds what the command does; colour only on a terminal.
    """

    verbosity: int = NORMAL
    gone: bool = False  # the reader of stdout went away (`prospective build | head`)

    @property
    def quiet(self) -> bool:
        return self.verbosity <= QUIET

    @property
    def verbose(self) -> bool:
        return self.verbosity >= VERBOSE

    def result(self, text: str, **style) -> None:
        """A line of the result (a summary, a listing), on stdout; nothing with -q."""
        if not self.quiet:
            self.echo(self.styled(text, sys.stdout, **style))

    def detail(self, text: str) -> None:
        """What the command does, on stdout, only with -v."""
        if self.verbose:
            self.echo(self.styled(text, sys.stdout, dim=True))

    def problem(self, text: str, severity: str = "error") -> None:
        """A problem, a warning or a notice, on stderr, whatever the verbosity; its first line coloured."""
        first, newline, rest = text.partition("\n")
        colour = {"error": "red", "warning": "yellow"}.get(severity)
        click.echo(self.styled(first, sys.stderr, fg=colour, bold=severity == "error") + newline + rest, err=True)

    def echo(self, text: str, nl: bool = True) -> None:
        """Print on stdout; when its reader has gone, the work goes on without printing (no error)."""
        if self.gone:
            return
        try:
            click.echo(text, nl=nl)
        except BrokenPipeError:
            self.gone = True
            with suppress(OSError, ValueError, AttributeError):  # so that Python's own last flush fails no more
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    @staticmethod
    def styled(text: str, stream: TextIO, **style) -> str:
        style = {name: value for name, value in style.items() if value}
        return click.style(text, **style) if style and colour_wanted(stream) else text


def output() -> Output:
    """The output settings of the running command (-q, -v), shared by the group and its commands."""
    return click.get_current_context().meta.setdefault(OUTPUT_KEY, Output())


def _set_verbosity(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    if not value:
        return
    settings = ctx.meta.setdefault(OUTPUT_KEY, Output())
    wanted = QUIET if param.name == "quiet" else VERBOSE
    if settings.verbosity not in (NORMAL, wanted):
        raise click.UsageError(_("-q and -v say opposite things: use one of them"), ctx)
    settings.verbosity = wanted


def verbosity_options(function):
    """-q and -v, on the group (`prospective -q build`) and on every command (`prospective build -q`)."""
    function = click.option(
        "-v", "--verbose", "verbose", is_flag=True, expose_value=False, callback=_set_verbosity,
        help=_("Say what is done, step by step, with timings (every document made or left as it was).")
    )(function)
    return click.option("-q", "--quiet", "quiet", is_flag=True, expose_value=False, callback=_set_verbosity,
                        help=_("Print only problems (errors and warnings, on stderr)."))(function)


# Click's own words (usage, headings, its errors), translated by the toolkit's catalogue: click
# writes them with its module-level `_`, which is gettext's (it finds no catalogue of ours).
CLICK_MESSAGES = (
    N_("Usage:"), N_("Options"), N_("Commands"), N_("Show this message and exit."), N_("Error: {message}"),
    N_("Try '{command} {option}' for help."), N_("Invalid value for {param_hint}: {message}"),
    N_("Invalid value: {message}"), N_("Missing argument"), N_("Missing option"), N_("Missing parameter"),
    N_("No such option {name!r}."), N_("No such command {name!r}."), N_("required"), N_("default: {default}"),
    N_("Aborted!"), N_("{name} {filename!r} does not exist."), N_("{name} {filename!r} is a directory."),
    N_("{name} {filename!r} is a file."), N_("file"), N_("directory"), N_("path"),
    N_("{value} is not in the range {range}."), N_("{value!r} is not a valid {number_type}."),
)


def _click_gettext(message: str) -> str:
    return translations(current()).gettext(message)


def _click_speaks_ours() -> None:
    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser, click.types):
        if getattr(module, "_", None) is not None:
            module._ = _click_gettext


_click_speaks_ours()


def _speak(language: str | None) -> None:
    """A command's --lang (the edition's language) is the language of its messages too."""
    if language:
        configure(language)


def _speak_before_loading(language: str | None) -> None:
    """The study's warnings are written while it loads: in the language of --lang when the program speaks it
    (`--lang fr` on an English system gives French warnings, not English ones after a French « avertissement »);
    an unknown one is refused later, in the system's language."""
    if language and spoken(language):
        configure(language)


class Stopped(Exception):
    """SIGTERM arrived: stop like Ctrl-C (the build's `finally` blocks and workers clean up)."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def _stop(signum: int, frame) -> None:
    raise Stopped(signum)


class ToolkitFormatter(click.HelpFormatter):
    """Help headings as the language writes them ("Options:", "Réglages :")."""

    def write_heading(self, heading: str) -> None:
        heading = _("%(heading)s:", heading=heading)  # not inside an f-string: the extractor would not see it
        self.write(f"{'':>{self.current_indent}}{heading}\n")

    def write_text(self, text: str) -> None:
        super().write_text(_unbreakable(text))

    def write_dl(self, rows, *args, **kwargs) -> None:
        super().write_dl([(term, _unbreakable(definition)) for term, definition in rows], *args, **kwargs)


_BEFORE_PUNCTUATION = re.compile(r" ([:;?!»])")


def _unbreakable(text: str) -> str:
    """French puts a space before : ; ? ! » and after «: a no-break one, so that a line never starts with ':'."""
    return _BEFORE_PUNCTUATION.sub("\u00a0\\1", text).replace("« ", "«\u00a0")


class ToolkitContext(click.Context):
    formatter_class = ToolkitFormatter


class ToolkitCommand(click.Command):
    """A command whose usage line and help are in the user's language."""

    context_class = ToolkitContext

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", _("[OPTIONS]"))
        super().__init__(*args, **kwargs)


class ToolkitGroup(click.Group):
    """Turns library errors into messages and exit codes, never a traceback."""

    command_class = ToolkitCommand
    context_class = ToolkitContext
    group_class = type  # `new` is a ToolkitGroup too

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", _("[OPTIONS]"))
        kwargs.setdefault("subcommand_metavar", _("COMMAND [ARGS]..."))
        super().__init__(*args, **kwargs)

    def main(self, *args, **kwargs):
        try:
            return super().main(*args, **kwargs)
        finally:
            configure(None)  # a command's --lang lasts as long as the command (the tests run many in one process)

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
            count = len(error.problems)
            # English keeps one form, "problem(s)", which scripts and tests read; French has both
            output().problem(ngettext("%(num)d problem(s) found: nothing was written.",
                                      "%(num)d problem(s) found: nothing was written.", count), "summary")
            ctx.exit(EXIT_INVALID)
        except BuildError as error:
            _report([error.problem])
            ctx.exit(EXIT_INVALID)
        except UnknownStudy as error:
            raise click.UsageError(printable(str(error)), ctx) from None
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except KeyboardInterrupt:
            output().problem(_("interrupted: the previous output is unchanged"), "notice")
            ctx.exit(130)
        except Stopped as stopped:
            output().problem(_("stopped (SIGTERM): the previous output is unchanged"), "notice")
            ctx.exit(128 + stopped.signum)
        except OSError as error:  # the machine said no (disk full, read-only, permissions): in words
            _report([os_problem(error, "use")])
            ctx.exit(EXIT_INVALID)
        except MemoryError:
            output().problem(_("error: out of memory: the input is too large for this computer"))
            ctx.exit(EXIT_INVALID)
        except Exception as error:
            if os.environ.get("PROSPECTIVE_DEBUG"):
                raise
            output().problem(
                _("internal error: %(kind)s: %(error)s", kind=type(error).__name__, error=printable(str(error)))
                + "\n    " + _("this is a bug in prospective-toolkit: please report it with the "
                               "command you ran (PROSPECTIVE_DEBUG=1 shows the details)"))
            ctx.exit(3)


def _report(problems: list[Problem]) -> None:
    for problem in problems:
        output().problem(str(problem), problem.severity)


STUDY = _("STUDY")  # the metavars, as the help texts name them
FILE = _("FILE")
DIR = _("DIR")
study_argument = click.argument("study", required=False, metavar=f"[{STUDY}]")
required_study = click.argument("study", metavar=STUDY)
out_option = click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help=_("Folder the kits are written into."),
)


@click.group(cls=ToolkitGroup, context_settings={"help_option_names": ["-h", "--help"]},
             help=_("Turn YAML foresight studies into print-ready workshop kits.\n\n"
                    "STUDY is a study id under the studies folder (./scenarios/ unless --studies says otherwise) "
                    "or the path of a study folder; without it, commands work on every study of that folder.\n\n"
                    "Messages are in French when the locale is French (LANG, LC_MESSAGES) or PROSPECTIVE_LANG=fr "
                    "says so, and in the language of --lang for the commands that have it; in English otherwise. "
                    "-q prints only problems, -v says what is done; colour only on a terminal, never with "
                    "NO_COLOR set."))
@click.version_option(__version__, prog_name="prospective", help=_("Show the version and exit."))
@click.option("--studies", "studies", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar=DIR, help=_("Folder holding the studies, one sub-folder each (default: ./scenarios/)."))
@verbosity_options
@click.pass_context
def main(ctx: click.Context, studies: Path | None) -> None:
    # the help text is the `help=` above, so that it is translated
    ctx.obj = studies if studies is not None else default_studies_dir()


force_option = click.option(
    "--force", is_flag=True,
    help=_("Write every PDF again, even those whose sources did not change since the last build."))
edition_option = click.option(
    "--edition", "edition", type=click.Choice(EDITIONS), default=STANDARD_EDITION, show_default=True,
    help=_("The participant booklet for other readers: gros-caracteres (large print) or facile-a-lire "
           "(easy to read), in a folder of its own beside the kit; facile-a-lire also warns about every "
           "scenario and persona without an easy-to-read text (easy_read)."))


@main.command(help=_("Validate a study and print every problem found (exit 1 if any).\n\n"
                     "Warnings point at weak content (identical scenarios, short narratives, figures without a "
                     "source, forgotten professions or personas, drivers that never move, incompatible hypotheses "
                     "picked together): they are printed, and fail the check only with --strict."))
@study_argument
@click.option("--strict", is_flag=True, help=_("Treat warnings (weak content) as errors: exit 1 if there is any."))
@edition_option
@verbosity_options
def check(study: str | None, strict: bool, edition: str) -> None:
    out = output()
    studies = [load_study(folder, review=True, easy_read=edition == EASY_READ) for folder in _selected(study)]
    treated = 0
    for loaded in studies:
        warnings = Problems(list(loaded.warnings)).sorted()
        _report(warnings)
        if out.verbose:  # what the editors noted for each other (`editor_note:`), never printed in a document
            for note in editor_notes(loaded):
                out.detail(str(note))
        if strict and warnings:
            treated += len(warnings)
            continue
        counts = ", ".join((
            ngettext("%(num)d scenario", "%(num)d scenarios", len(loaded.scenarios)),
            ngettext("%(num)d driver", "%(num)d drivers", len(loaded.meta.drivers)),
            ngettext("%(num)d workshop", "%(num)d workshops", len(loaded.workshops)),
            ngettext("%(num)d method", "%(num)d methods", len(loaded.methods))))
        out.result(_("%(folder)s: ok (%(counts)s), %(warnings)s", folder=display_path(loaded.folder), counts=counts,
                     warnings=ngettext("%(num)d warning", "%(num)d warnings", len(warnings))), fg="green")
    if treated:
        # English keeps one form, "warning(s)", which scripts and tests read; French has both
        out.problem(ngettext("%(num)d warning(s) treated as errors (--strict)",
                             "%(num)d warning(s) treated as errors (--strict)", treated))
        raise click.exceptions.Exit(EXIT_INVALID)


LANG_HELP = _("Edition language (default: every language of the study); also the language of the messages.")


@main.command(help=_("Validate, then build the kit of a study (and its workshops) as PDF and HTML."))
@study_argument
@click.option("--lang", "language", help=LANG_HELP)
@click.option("--workshop", "workshop", metavar="ID", help=_("Build only this workshop's kit."))
@click.option("--territory", "territory", metavar="ID|all",
              help=_("Build this territory's co-branded kit (territories/<ID>.yaml); 'all': every territory's "
                     "kit, the study's own kit and an index of them."))
@edition_option
@out_option
@force_option
@verbosity_options
def build(study: str | None, language: str | None, workshop: str | None, territory: str | None, edition: str,
          out: Path, force: bool) -> None:
    from toolkit.kit.build import build_kit, build_territory_kits  # WeasyPrint loads only when needed

    if workshop is not None and edition != STANDARD_EDITION:
        raise click.UsageError(_("--workshop builds a workshop's kit, --edition %(edition)s the participant "
                                 "booklet alone: use one of them", edition=edition))
    if territory is not None and edition != STANDARD_EDITION:
        raise click.UsageError(_("--territory builds a territory's whole kit, --edition %(edition)s the "
                                 "participant booklet alone: use one of them", edition=edition))
    _speak_before_loading(language)
    asked = [language] if language else None  # the translations of the other languages need not be finished
    studies = [load_study(folder, review=True, easy_read=edition == EASY_READ, languages=asked)
               for folder in _selected(study)]
    for loaded in studies:
        _check_workshop_id(loaded, workshop)
        _check_language(loaded, language)
        _check_territory(loaded, territory)
    _speak(language)
    for loaded in studies:
        _report(loaded.warnings)
        languages = [language] if language else loaded.languages
        for kit_language in languages:
            if territory == ALL_TERRITORIES:  # a batch: the study's kit, each territory's, then their index
                with BuildProgress(output()) as progress:
                    _reports, index = build_territory_kits(loaded, kit_language, out, workshop,
                                                           waiting=progress.waiting, progress=progress,
                                                           built=progress.summary, force=force)
                output().result(_("wrote %(path)s", path=display_path(index)))
                continue
            with BuildProgress(output()) as progress:
                built = build_kit(loaded, kit_language, out, workshop, waiting=progress.waiting,
                                  progress=progress, edition=edition, force=force, territory=territory)
            progress.summary(built)


ALL_TERRITORIES = "all"


def _check_territory(study, territory: str | None) -> None:
    """--territory names a territory of the study (it becomes part of a folder's name: never a path), or `all`."""
    known = list(study.territories)
    if territory is None or territory in known or (territory == ALL_TERRITORIES and known):
        return
    if not known:
        raise click.UsageError(_("%(study)s has no territories: add one as territories/<id>.yaml",
                                 study=study.id))
    raise click.UsageError(_("no territory '%(territory)s' in %(study)s%(close)s; its territories: %(known)s "
                             "(or all)", territory=printable(territory), study=study.id,
                             close=did_you_mean(territory, known), known=", ".join(known)))


def _check_language(study, language: str | None) -> None:
    """--lang names an edition of the study (it becomes a folder of the kit: never a path)."""
    if language is not None and language not in study.languages:
        known = study.languages
        raise click.UsageError(_("no '%(language)s' edition in %(study)s%(close)s; its languages: %(known)s "
                                 "(add one to `languages:` in study.yaml)", language=printable(language),
                                 study=study.id, close=did_you_mean(language, known), known=", ".join(known)))


def _check_workshop_id(study, workshop: str | None) -> None:
    known = [w.id for w in study.workshops]
    if workshop is not None and workshop not in known:
        listing = ", ".join(known) or _("none")
        raise click.UsageError(_("no workshop '%(workshop)s' in %(study)s%(close)s; workshops: %(known)s",
                                 workshop=printable(workshop), study=study.id, close=did_you_mean(workshop, known),
                                 known=listing))


class BuildProgress:
    """Prints a build's events (`toolkit.kit.build.Event`) as they come: the kit never prints.

    One line per document as its PDF is written, under its folder; on a terminal, also a live
    line saying which document is being made, rewritten in place. With -v, every step and
    its time; with -q, nothing but problems.
    """

    def __init__(self, out: Output):
        self.out = out
        self.live = not out.quiet and colour_free_tty(sys.stdout)
        self.shown = False  # whether the live line is on the screen
        self.folder: str | None = None
        self.pending: list = []  # documents whose HTML is written, their PDF not yet
        self.total = 0

    def __enter__(self) -> BuildProgress:
        return self

    def __exit__(self, *exc_info) -> None:
        self._clear()

    def __call__(self, event) -> None:
        from toolkit.kit import build as kit

        if isinstance(event, kit.Started):  # a build begins (in a batch, the next kit): nothing of the last one
            self.total, self.folder, self.pending = event.total, None, []
            self._line(f"{display_path(event.folder)}/", bold=True)
            self._detail(ngettext("%(num)d document to make", "%(num)d documents to make", event.total))
        elif isinstance(event, kit.Skipped):
            if event.reason == "no-results":
                self._detail("  " + _("%(folder)s/: no report, the workshop has no results yet", folder=event.path))
            else:
                self._detail("  " + (_("%(folder)s/: left as it was (--workshop asks for another part of the kit)",
                                       folder=event.path) if event.path else
                                     _("the study's own documents: left as they were (--workshop asks for one "
                                       "workshop's kit)")))
        elif isinstance(event, kit.Rendered):
            self.pending.append(event.document)
            self._detail("  " + _("HTML written: %(path)s (%(seconds)s s)", path=event.document.html_path,
                                  seconds=decimal(event.seconds, 2)))
            self._show(event.number, event.total, event.document.html_path)
        elif isinstance(event, kit.Written):
            self._document(event)
        elif isinstance(event, kit.FileWritten):
            self._line(f"  {event.path}")
        elif isinstance(event, kit.UpToDate):
            self._line("  " + _("nothing it is made of changed since the last build: the kit was left as it was "
                                "(--force writes it again)"))

    def _document(self, event) -> None:
        document = event.document
        if document.folder != self.folder:
            self.folder = document.folder
            if document.folder:
                self._line(f"  {document.folder}/")
        indent = "    " if document.folder else "  "
        pages = ngettext("%(num)d page", "%(num)d pages", document.pages) if isinstance(document.pages, int) else ""
        line = f"{indent}{document.planned.pdf_name:<40} {pages:>9}   + {document.planned.html_name}"
        if self.out.verbose and event.why is None:
            line += "   " + _("(unchanged since the last build: kept)")
        elif self.out.verbose:
            line += "   " + _("(rebuilt in %(seconds)s s: %(why)s)", seconds=decimal(event.seconds),
                              why=printable(event.why))
        self._line(line)
        if self.pending:
            self.pending.pop(0)
        if self.pending:
            self._show(event.number + 1, event.total, self.pending[0].pdf_path)

    def waiting(self, message: str) -> None:
        """Another build holds the kit: said on stderr, whatever the verbosity."""
        self._clear()
        self.out.problem(message, "notice")

    def summary(self, report) -> None:
        """The last line of a build: documents, pages and time; then the warnings, on stderr."""
        self._clear()
        pages = sum(d.pages for d in report.documents if isinstance(d.pages, int))
        self.out.result(_("%(documents)s, %(pages)s, made in %(seconds)s s",
                          documents=ngettext("%(num)d document", "%(num)d documents", len(report.documents)),
                          pages=ngettext("%(num)d page", "%(num)d pages", pages),
                          seconds=decimal(report.seconds)) + self._kept(report), fg="green")
        for warning in report.warnings:
            self.out.problem("  " + _("warning: %(warning)s", warning=printable(warning)), "warning")

    @staticmethod
    def _kept(report) -> str:
        """' (12 unchanged since the last build)': how many PDFs an incremental build did not write again."""
        if not report.reused:
            return ""
        return " " + ngettext("(%(num)d unchanged since the last build)", "(%(num)d unchanged since the last build)",
                              report.reused)

    def _line(self, text: str, **style) -> None:
        self._clear()
        self.out.result(text, **style)

    def _detail(self, text: str) -> None:
        self._clear()
        self.out.detail(text)

    def _show(self, number: int, total: int, path: str) -> None:
        """The live line: `[3/16] atelier/dossier-table-a.pdf`, cut to the terminal's width."""
        if not self.live:
            return
        width = shutil.get_terminal_size((80, 24)).columns - 1
        text = f"[{number}/{total}] {path}"[:width]
        self.out.echo("\r\x1b[K" + self.out.styled(text, sys.stdout, dim=True), nl=False)
        self.shown = True

    def _clear(self) -> None:
        if self.shown:
            self.out.echo("\r\x1b[K", nl=False)
            self.shown = False


def colour_free_tty(stream: TextIO) -> bool:
    """A terminal: the live line rewrites itself there (with or without colour)."""
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


@main.command("list", help=_("List studies, their scenarios (baseline marked) and drivers."))
@study_argument
@verbosity_options
def list_(study: str | None) -> None:
    # the listing is the result the command is asked for: printed even with -q
    studies = [load_study(folder) for folder in _selected(study)]
    for loaded in studies:
        meta = loaded.meta
        language = meta.language
        click.echo(_("%(study)s: %(title)s (horizon %(horizon)s, languages: %(languages)s)", study=loaded.id,
                     title=printable(meta.title.get(language)), horizon=meta.horizon,
                     languages=", ".join(loaded.languages)))
        click.echo("  " + _("scenarios:"))
        for scenario in loaded.scenarios:
            mark = "  " + _("[baseline]") if scenario.data.baseline else ""
            click.echo(f"    {scenario.id:<28} {printable(scenario.data.title.get(language))}{mark}")
        click.echo("  " + _("drivers:"))
        for driver in meta.drivers:
            hypotheses = ngettext("%(num)d hypothesis", "%(num)d hypotheses", len(driver.hypotheses))
            click.echo(f"    {driver.id:<28} {printable(driver.name.get(language))} ({hypotheses})")


@main.command(help=_("Explore the scenario space: combinations, consistency, ideas.\n\n"
                     "Counts the combinations of one hypothesis per driver and those that pick no `incompatible` "
                     "pair of study.yaml, shows how many drivers each scenario changes from the baseline, and lists "
                     "consistent combinations furthest from every existing scenario, as ideas for a missing one."))
@required_study
@verbosity_options
def explore(study: str) -> None:
    # the exploration is the result the command is asked for: printed even with -q
    from toolkit.authoring.explore import explore as explore_space
    from toolkit.authoring.explore import report_lines

    loaded = load_study(_selected(study)[0])
    for line in report_lines(loaded, explore_space(loaded)):
        click.echo(printable(line))


@main.command(help=_("Build a workshop's synthesis report from its results file (PDF and HTML)."))
@required_study
@click.option("--workshop", "workshop", metavar="ID", required=True, help=_("The workshop whose results to report."))
@click.option("--lang", "language", help=LANG_HELP)
@out_option
@force_option
@verbosity_options
def report(study: str, workshop: str, language: str | None, out: Path, force: bool) -> None:
    from toolkit.kit.build import build_report

    _speak_before_loading(language)
    loaded = load_study(_selected(study)[0], languages=[language] if language else None)
    _check_workshop_id(loaded, workshop)
    _check_language(loaded, language)
    _speak(language)
    if next(w for w in loaded.workshops if w.id == workshop).results is None:
        raise click.UsageError(_("workshop '%(workshop)s' has no results yet: type the capture sheets into "
                                 "results/%(workshop)s.yaml, or use `prospective import`", workshop=workshop))
    _report(loaded.warnings)
    for edition in [language] if language else loaded.languages:
        with BuildProgress(output()) as progress:
            built = build_report(loaded, edition, out, workshop, waiting=progress.waiting, progress=progress,
                                 force=force)
        progress.summary(built)


AS_OF = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _as_of(value: str | None) -> date:
    """--as-of: a day written YYYY-MM-DD (today without it); anything else is a usage error."""
    if value is None:
        return date.today()
    with suppress(ValueError):
        if AS_OF.match(value):
            return date.fromisoformat(value)
    raise click.BadParameter(_("'%(value)s' is not a date written YYYY-MM-DD, such as %(example)s",
                               value=printable(value), example=date.today().isoformat()), param_hint="'--as-of'")


@main.command(help=_("Build the follow-up report of a study (PDF and HTML) into a folder of its kit (suivi/ in a "
                     "French kit): the experiments by status, their indicators against their targets, the reviews "
                     "overdue, the watch by hypothesis and the triggers that fired, at a date (--as-of, default "
                     "today). The study needs experiments (experiments/<id>.yaml) or a watch (watch.yaml)."))
@required_study
@click.option("--as-of", "as_of", metavar=_("YYYY-MM-DD"),
              help=_("The date of the report: the signals, measures and reviews up to that day (default: today)."))
@click.option("--lang", "language", help=LANG_HELP)
@out_option
@force_option
@verbosity_options
def suivi(study: str, as_of: str | None, language: str | None, out: Path, force: bool) -> None:
    from toolkit.kit.build import build_followup
    from toolkit.kit.plan import has_followup

    _speak_before_loading(language)
    day = _as_of(as_of)
    loaded = load_study(_selected(study)[0], languages=[language] if language else None)
    _check_language(loaded, language)
    _speak(language)
    if not has_followup(loaded):
        raise click.UsageError(_("%(study)s has nothing to follow up: add experiments (experiments/<id>.yaml) or a "
                                 "watch (watch.yaml)", study=loaded.id))
    _report(loaded.warnings)
    for edition in [language] if language else loaded.languages:
        with BuildProgress(output()) as progress:
            built = build_followup(loaded, edition, out, day, waiting=progress.waiting, progress=progress,
                                   force=force)
        progress.summary(built)


IMPORT_EXAMPLE = ("  group,scenario,probability,desirability,participant\n"
                  "  table-a,plateformes,4,2,Awa\n"
                  "  table-a,communs,3,,Awa")
NO_REWRAP = "\b\n"  # click prints the paragraph that follows as it is


@main.command("import", help="\n\n".join((
    _("Import ratings from a spreadsheet (CSV) into STUDY/results/<ID>.yaml."),
    _("FILE has a header row, then one row per person and scenario:"),
    NO_REWRAP + IMPORT_EXAMPLE,
    NO_REWRAP + _("group         a group id of the workshop plan\n"
                  "scenario      a scenario id of the study\n"
                  "probability   a whole number from 1 (not at all) to 5 (very); empty: not rated\n"
                  "desirability  the same\n"
                  "participant   optional, ignored (for your own bookkeeping)"),
    _("French headers work too: groupe, scénario, probabilité, désirabilité, participant·e (case and surrounding "
      "spaces do not matter). The separator is a comma or a semicolon; save the file as \"CSV UTF-8\". Empty rows "
      "are skipped."),
    _("The ratings of every group in FILE replace that group's ratings (an import never adds up); everything else "
      "in the results file, comments included, is kept. Every problem is reported as FILE:ROW:COL (the header is "
      "row 1), and nothing is written when there is any."))))
@required_study
@click.option("--workshop", "workshop", metavar="ID", required=True, help=_("The workshop the ratings come from."))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path), metavar=FILE)
@verbosity_options
def import_(study: str, workshop: str, file: Path) -> None:
    from toolkit.synthesis.importer import import_ratings

    loaded = load_study(resolve_study(study, _studies_dir()))
    _check_workshop_id(loaded, workshop)
    for line in import_ratings(loaded, workshop, file).lines():
        output().result(printable(line))


@main.command(help=_("Preview a study's kit in the browser, rebuilt and reloaded on every change.\n\n"
                     "The HTML is served from memory at http://HOST:PORT/ at once; the PDFs follow, rebuilt in the "
                     "background by the real build (only those whose sources changed), at the same addresses as "
                     "in the kit. When a file is invalid, every page lists the problems until it is fixed. "
                     "Ctrl-C stops."))
@required_study
@click.option("--lang", "language",
              help=_("Edition language (default: the study's language); also the language of the messages."))
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help=_("Port to listen on (0: any free port)."))
@click.option("--host", default="127.0.0.1", show_default=True,
              help=_("Address to listen on; anything but loopback exposes the study to the network."))
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("Folder the PDFs are built into, as with `build --out` (default: a temporary folder, removed "
                     "when serve stops)."))
@verbosity_options
def serve(study: str, language: str | None, port: int, host: str, out_dir: Path | None) -> None:
    from toolkit.authoring.serve import serve as run_preview

    folder = _selected(study)[0]
    _speak(language)
    out = output()
    try:
        run_preview(folder, language, host, port, echo=out.result, alert=lambda text: out.problem(text, "warning"),
                    out=out_dir)
    except OSError as error:
        out.problem(_("error: cannot listen on %(host)s:%(port)s: %(reason)s", host=host, port=port,
                      reason=error.strerror or error))
        raise click.exceptions.Exit(EXIT_INVALID) from None


@main.group(help=_("Start a study, a scenario or a workshop plan from a valid, commented scaffold.\n\n"
                   "The new file passes `prospective check` as written: replace every « À écrire » placeholder. "
                   "An existing file is never overwritten."))
@verbosity_options
def new() -> None:
    pass


@new.command("study", help=_("Create ID/ in the studies folder, with study.yaml and the baseline scenario."))
@click.argument("study_id", metavar="ID")
@verbosity_options
def new_study(study_id: str) -> None:
    from toolkit.authoring.scaffold import new_study as scaffold
    _print_created(scaffold(_studies_dir(), study_id), study_id)


@new.command("scenario", help=_("Create STUDY/scenarios/ID.yaml, every pick copied from the baseline."))
@required_study
@click.argument("scenario_id", metavar="ID")
@verbosity_options
def new_scenario(study: str, scenario_id: str) -> None:
    from toolkit.authoring.scaffold import new_scenario as scaffold

    folder = _selected(study)[0]
    _print_created([scaffold(folder, scenario_id)], study)


@new.command("workshop", help=_("Create STUDY/workshops/ID.yaml: a half-day agenda of library methods."))
@required_study
@click.argument("workshop_id", metavar="ID")
@verbosity_options
def new_workshop(study: str, workshop_id: str) -> None:
    from toolkit.authoring.scaffold import new_workshop as scaffold

    folder = _selected(study)[0]
    _print_created([scaffold(folder, workshop_id)], study)


@new.command("translation", help=_("Create the translation files of STUDY into LANG (translations/LANG/...), "
                                    "one per file with texts that has none, each text to write over the original."))
@required_study
@click.argument("language", metavar="LANG")
@verbosity_options
def new_translation(study: str, language: str) -> None:
    from toolkit.authoring.translation import new_translation as scaffold

    folder = _selected(study)[0]
    paths = scaffold(folder, language)
    out = output()
    for path in paths:
        out.result(_("created %(path)s", path=display_path(path)))
    if not paths:
        out.result(_("every file of %(study)s has its translation into '%(code)s' already", study=study, code=language))
    out.result(_("list the language in study.yaml (languages: [..., %(code)s]), write over the « À écrire » "
                 "placeholders, then run `prospective check %(study)s`", code=language, study=study))


def _print_created(paths: list[Path], study: str) -> None:
    out = output()
    for path in paths:
        out.result(_("created %(path)s", path=display_path(path)))
    out.result(_("replace the « À écrire » placeholders, then run `prospective check %(study)s`", study=study))


@main.command(help=_("Write the JSON Schema of every file kind (study, scenario, workshop, results, method).\n\n"
                     "Editors read them through a first line like "
                     "`# yaml-language-server: $schema=../../../schemas/scenario.schema.json`."))
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help=_("Folder the schemas are written into (default: the project's schemas/)."))
@verbosity_options
def schema(out: Path | None) -> None:
    from toolkit.study.schema import SCHEMA_DIR, write_reference, write_schemas

    said = output()
    for path in write_schemas(out or SCHEMA_DIR):
        said.result(_("wrote %(path)s", path=display_path(path)))
    if out is None:  # the field reference of CONTRIBUTING.md follows the project's schemas
        said.result(_("wrote %(path)s", path=display_path(write_reference())))


def _studies_dir() -> Path:
    """The folder of studies the root command was given (or ./scenarios/)."""
    return click.get_current_context().find_root().obj


def _selected(study: str | None) -> list[Path]:
    return select_studies(study, _studies_dir())


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
