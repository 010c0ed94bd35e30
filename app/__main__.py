"""`python -m app`: the same entry point as the `confidente` command."""

from app.cli import main

raise SystemExit(main())
