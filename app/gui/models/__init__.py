"""The Models window: installed and catalog models, embedding models, downloads."""
