"""The ``bibkit`` command line. Each command module registers itself on :data:`main`."""
from bibkit.cli.main import main
from bibkit.cli import convert  # noqa: F401  (registers convert, formats)
from bibkit.cli import format  # noqa: F401  (registers format, cite, styles)
from bibkit.cli import enrich  # noqa: F401  (registers add, enrich)
from bibkit.cli import keys  # noqa: F401  (registers keys)
from bibkit.cli import merge  # noqa: F401  (registers merge, dedupe)
from bibkit.cli import check  # noqa: F401  (registers check)

__all__ = ["main"]
