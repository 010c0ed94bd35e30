"""Documents: reading files, indexing them and finding the passages that answer a question."""
