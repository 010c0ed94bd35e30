"""The Documents pane: libraries, their files, citations and the source viewer."""
