"""``bibkit serve``: a local page to paste, check, merge, format and download references.

:mod:`.workspace` does the work with bibkit's own API, :mod:`.guards` keeps the server local,
:mod:`.app` routes the page, its assets (``static/``, shipped in the wheel) and the JSON API.
"""
from bibkit.web.app import create_app

__all__ = ["create_app"]
