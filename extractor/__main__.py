"""``python -m extractor`` runs the ``imr-extract`` command."""

from .cli import main

main()
