"""Confidente's services: plain, typed Python with no Qt import.

The GUI (`app.gui`) and the CLI (`app.cli`) both call these services; a test
keeps Qt out of this package.
"""
