"""The Settings dialog and its controller."""
