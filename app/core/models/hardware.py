"""What this machine offers: cores, memory, GPUs and their free memory."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path

import psutil

from app.core.models.fit import Gpu, Machine


def physical_cores() -> int:
    return psutil.cpu_count(logical=False) or os.cpu_count() or 1


def total_memory_bytes() -> int:
    return int(psutil.virtual_memory().total)


def available_memory_bytes() -> int:
    return int(psutil.virtual_memory().available)


def resolve_threads(setting: int | None) -> int:
    """Threads for llama.cpp: the setting, else one per physical core."""
    return setting if setting else physical_cores()


def cpu_name() -> str:
    """The processor's marketing name where the OS tells it, else the architecture."""
    try:
        for line in Path("/proc/cpuinfo").read_text(errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def nvidia_smi_gpus(timeout: float = 5.0) -> tuple[Gpu, ...]:
    """NVIDIA GPUs and their free memory from `nvidia-smi`, when it is installed."""
    exe = shutil.which("nvidia-smi")
    if exe is None:
        return ()
    try:
        out = subprocess.run(
            [exe, "--query-gpu=name,memory.total,memory.free", "--format=csv,noheader,nounits"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    return parse_nvidia_smi(out)


def parse_nvidia_smi(text: str) -> tuple[Gpu, ...]:
    gpus: list[Gpu] = []
    for line in text.splitlines():
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 3:
            continue
        try:
            total, free = int(float(parts[1])) << 20, int(float(parts[2])) << 20  # MiB
        except ValueError:
            continue
        gpus.append(Gpu(parts[0], total, free, "nvidia-smi"))
    return tuple(gpus)


def detect_machine() -> Machine:
    """RAM, cores and GPUs. Slow (a subprocess, llama.cpp's backends): never on the GUI thread."""
    from app.core.models.engine import gpu_devices, gpu_offload_supported

    offload = gpu_offload_supported()
    gpus = gpu_devices() if offload else ()
    if not gpus:
        gpus = nvidia_smi_gpus()
    return Machine(
        physical_cores=physical_cores(),
        total_memory=total_memory_bytes(),
        available_memory=available_memory_bytes(),
        gpus=gpus,
        gpu_offload=offload,
    )
