"""``bibkit serve``: a local page to paste, check, merge, format and download references.

:mod:`.workspace` reads the user's documents and choices and shows what ``check`` and ``dedupe``
find, :mod:`.output` formats and exports them, :mod:`.lookup` runs ``bibkit add``'s look-ups,
all with bibkit's own API; :mod:`.guards` keeps the server local; :mod:`.app` routes the page,
its assets (``static/``, shipped in the wheel) and the JSON API.
"""
from bibkit.web.app import create_app

__all__ = ["create_app"]
