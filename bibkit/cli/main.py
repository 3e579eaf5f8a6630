"""The ``bibkit`` command group; each command lives in its own module of this package."""
from __future__ import annotations

import click

from bibkit import __version__


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="bibkit")
def main() -> None:
    """Read references in any format, clean them, and write .bib, CSL-JSON or formatted lists."""
