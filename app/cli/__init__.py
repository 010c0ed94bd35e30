"""The `confidente` command: chat, documents and models from a terminal."""

from app.cli.entry import main

__all__ = ["main"]
