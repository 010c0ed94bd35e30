"""What this machine offers: cores, memory, and whether llama.cpp can use a GPU."""

from __future__ import annotations

import os

import psutil


def physical_cores() -> int:
    return psutil.cpu_count(logical=False) or os.cpu_count() or 1


def total_memory_bytes() -> int:
    return int(psutil.virtual_memory().total)


def available_memory_bytes() -> int:
    return int(psutil.virtual_memory().available)


def resolve_threads(setting: int | None) -> int:
    """Threads for llama.cpp: the setting, else one per physical core."""
    return setting if setting else physical_cores()


def resolve_gpu_layers(setting: int | None, *, gpu_available: bool) -> int:
    """Layers to offload: the setting, else all (-1) with a GPU backend and none without."""
    if setting is not None:
        return setting
    return -1 if gpu_available else 0
