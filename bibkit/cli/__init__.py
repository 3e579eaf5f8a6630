"""The ``bibkit`` command line. Each command module registers itself on :data:`main`."""
from bibkit.cli.main import main
from bibkit.cli import convert  # noqa: F401  (registers convert, formats)
from bibkit.cli import format  # noqa: F401  (registers format, cite, styles)

__all__ = ["main"]
