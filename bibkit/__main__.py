"""``python -m bibkit`` runs the command line."""
from bibkit.cli import main

main()
