"""`python -m checker` is the same as the `checker` command."""
import sys

from .cli import main

sys.exit(main())
