"""Models: the catalog, downloads, imports, checks before loading, and the loaded model."""
