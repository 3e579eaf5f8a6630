"""``python -m bibkit`` runs the command line."""
from bibkit.cli import run

run()
