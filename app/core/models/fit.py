"""Will a model run well here? Memory need, GPU layers from free VRAM, and a verdict.

The figures are estimates made before anything is loaded, from the file size
and the model's shape (layers, KV heads, head size):

    need = weights + KV cache at the context length + a fixed runtime overhead
    KV cache = 2 (K and V) x layers x KV heads x head size x context x 2 bytes (f16)

Decoding on a CPU reads every weight once per token, so its speed is bounded
by memory bandwidth: we assume about 5 GB/s per physical core, capped at
50 GB/s, which matches this project's measurements within a factor of two
(`make bench`: Gemma 3 270M, 0.25 GB, about 40 tokens/s on 2 cores).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

GIB = 1 << 30
RUNTIME_OVERHEAD = 512 * 1024 * 1024  # compute buffers, tokenizer, the app itself
RAM_RESERVE = 2 * GIB  # left for the operating system and other programs
VRAM_RESERVE = 512 * 1024 * 1024  # CUDA context and compute buffers on the GPU
BANDWIDTH_PER_CORE = 5e9  # bytes/s
MAX_CPU_BANDWIDTH = 50e9
SLOW_BELOW_TOKENS_PER_SECOND = 5.0


@dataclass(frozen=True)
class ModelShape:
    size_bytes: int
    layers: int
    kv_heads: int
    head_dim: int

    def kv_cache_bytes(self, context_length: int) -> int:
        return 2 * self.layers * self.kv_heads * self.head_dim * context_length * 2

    def memory_needed(self, context_length: int) -> int:
        return self.size_bytes + self.kv_cache_bytes(context_length) + RUNTIME_OVERHEAD


@dataclass(frozen=True)
class Gpu:
    name: str
    total_bytes: int
    free_bytes: int
    source: str  # "llama.cpp", "nvidia-smi"


@dataclass(frozen=True)
class Machine:
    """What the fit is computed against; see `app.core.models.hardware.detect_machine`."""

    physical_cores: int
    total_memory: int
    available_memory: int
    gpus: tuple[Gpu, ...] = ()
    gpu_offload: bool = False  # llama.cpp was built with a GPU backend

    @property
    def usable_gpu(self) -> Gpu | None:
        if not self.gpu_offload or not self.gpus:
            return None
        return max(self.gpus, key=lambda gpu: gpu.free_bytes)


class Verdict(StrEnum):
    FITS = "fits"
    SLOW = "slow"
    WONT_FIT = "won't fit"


@dataclass(frozen=True)
class Fit:
    verdict: Verdict
    memory_needed: int
    gpu_layers: int  # -1: all layers on the GPU
    tokens_per_second: float  # rough estimate
    reason: str

    def to_json(self) -> dict[str, object]:
        return {
            "verdict": self.verdict.value,
            "memory_needed_bytes": self.memory_needed,
            "gpu_layers": self.gpu_layers,
            "estimated_tokens_per_second": round(self.tokens_per_second, 1),
            "reason": self.reason,
        }


def gpu_layers_for(shape: ModelShape, context_length: int, free_vram: int) -> int:
    """How many layers fit in `free_vram`: -1 for all, else 0..layers-1.

    Each layer takes its share of the weights (the output layer counted as one
    more) and its share of the KV cache.
    """
    per_layer = shape.size_bytes / (shape.layers + 1)
    per_layer += shape.kv_cache_bytes(context_length) / shape.layers
    usable = free_vram - VRAM_RESERVE
    if usable <= 0 or per_layer <= 0:
        return 0
    layers = int(usable // per_layer)
    return -1 if layers >= shape.layers + 1 else min(layers, shape.layers)


def assess(shape: ModelShape, context_length: int, machine: Machine) -> Fit:
    need = shape.memory_needed(context_length)
    gpu = machine.usable_gpu
    layers = gpu_layers_for(shape, context_length, gpu.free_bytes) if gpu else 0
    on_gpu_fraction = 1.0 if layers == -1 else layers / (shape.layers + 1)
    cpu_weights = shape.size_bytes * (1.0 - on_gpu_fraction)
    cpu_need = need if layers == 0 else int(need * (1.0 - on_gpu_fraction)) + RUNTIME_OVERHEAD
    bandwidth = min(machine.physical_cores * BANDWIDTH_PER_CORE, MAX_CPU_BANDWIDTH)
    speed = bandwidth / cpu_weights if cpu_weights > 0 else 10 * bandwidth / shape.size_bytes
    where = _where(layers, shape.layers, gpu)
    if cpu_need > machine.total_memory - RAM_RESERVE:
        return Fit(
            Verdict.WONT_FIT,
            need,
            layers,
            speed,
            f"needs about {_gib(cpu_need)} of memory{where}; this computer has "
            f"{_gib(machine.total_memory)} in all",
        )
    if cpu_need > machine.available_memory:
        return Fit(
            Verdict.SLOW,
            need,
            layers,
            speed,
            f"needs about {_gib(cpu_need)}{where}, more than the {_gib(machine.available_memory)} "
            "free now: close other programs or expect swapping",
        )
    if speed < SLOW_BELOW_TOKENS_PER_SECOND:
        return Fit(
            Verdict.SLOW,
            need,
            layers,
            speed,
            f"about {speed:.0f} tokens/s expected{where}",
        )
    return Fit(Verdict.FITS, need, layers, speed, f"about {_gib(need)}{where}")


def _where(layers: int, total: int, gpu: Gpu | None) -> str:
    if gpu is None or layers == 0:
        return " on the CPU"
    if layers == -1:
        return f" on the GPU ({gpu.name})"
    return f", {layers} of {total} layers on the GPU ({gpu.name})"


def _gib(size: float) -> str:
    return f"{size / GIB:.1f} GiB"
