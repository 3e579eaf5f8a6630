"""``bibkit config``: the settings in effect here, and where each came from."""
from __future__ import annotations

import click

from bibkit import config as settings
from bibkit.cli.main import main


@main.command("config")
@click.argument("commands", nargs=-1)
@click.option("--changed", is_flag=True, help="Only the settings a config file sets.")
def config_command(commands, changed):
    """Print every option's effective default as ``command.option = value  # origin``.

    The origin is ``file:line [table]`` for a value from pyproject.toml ([tool.bibkit]) or
    .bibkit.toml, else ``default``. Name COMMANDS (``tidy``, ``format``; ``bibkit`` for the
    global options) to see only theirs. Options given on a command line win over both.
    """
    group = click.get_current_context().find_root().command
    known = set(group.list_commands(click.get_current_context())) | {"bibkit"}
    unknown = [c for c in commands if c not in known]
    if unknown:
        raise click.UsageError(f"no command {unknown[0]!r}")
    config = settings.load(group, settings.find())
    for line in settings.describe(group, config, list(commands) or None, changed):
        click.echo(line)
