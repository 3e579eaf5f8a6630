"""The ``bibkit`` command group; each command lives in its own module of this package."""
from __future__ import annotations

import os

import click

from bibkit import __version__
from bibkit.parallel import ENV_JOBS


class ConfiguredGroup(click.Group):
    """The main group, whose commands take their defaults from the project's config file.

    The settings become the context's ``default_map`` before any option is parsed, so a value on
    the command line still wins and no command needs code for it (see :mod:`bibkit.config`).
    A caller that passes its own ``default_map`` (a test, an embedding program) keeps it.
    """

    def make_context(self, info_name, args, parent=None, **extra):
        if "default_map" not in extra:
            from bibkit import config

            config.register_siblings(self)
            try:
                extra["default_map"] = config.load(self, config.find()).default_map()
            except config.ConfigError:
                if not {"-h", "--help", "--version"} & set(args):
                    raise  # help and the version still show with a broken config file
        return super().make_context(info_name, args, parent=parent, **extra)


@click.group(cls=ConfiguredGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bibkit")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None,
              help="Processes for reading and writing a large .bib (default: the available cores; also BIBKIT_JOBS).")
def main(jobs: int | None) -> None:
    """Read references in any format, clean them, and write .bib, CSL-JSON or formatted lists."""
    if jobs is not None:
        # read wherever this command reads or writes a large file (bibkit.parallel.job_count),
        # and restored afterwards, so that an in-process caller (CliRunner) keeps its setting
        previous = os.environ.get(ENV_JOBS)
        os.environ[ENV_JOBS] = str(jobs)
        click.get_current_context().call_on_close(lambda: _restore(ENV_JOBS, previous))


def _restore(name: str, value: str | None) -> None:
    if value is None:
        os.environ.pop(name, None)
    else:
        os.environ[name] = value
