"""The catalog file, the memory estimate, the Fits/Slow/Won't fit verdict and GPU layers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.core.errors import ModelError
from app.core.models.fit import (
    GIB,
    RUNTIME_OVERHEAD,
    Gpu,
    Machine,
    ModelShape,
    Verdict,
    assess,
    gpu_layers_for,
)
from app.core.models.gguf import read_gguf_info
from app.core.models.hardware import parse_nvidia_smi
from app.core.models.model_catalog import find_entry, load_catalog
from app.core.models.service import choose_gpu_layers
from app.core.resources import resources_dir
from app.core.settings import Settings

# Qwen2.5 3B Instruct Q4_K_M: 36 layers, 2 KV heads of 128.
QWEN_3B = ModelShape(size_bytes=2_104_932_768, layers=36, kv_heads=2, head_dim=128)
# Qwen2.5 7B Instruct Q4_K_M: 28 layers, 4 KV heads of 128.
QWEN_7B = ModelShape(size_bytes=4_683_074_240, layers=28, kv_heads=4, head_dim=128)


def _machine(cores: int, total_gib: float, free_gib: float, *gpus: Gpu) -> Machine:
    return Machine(
        physical_cores=cores,
        total_memory=int(total_gib * GIB),
        available_memory=int(free_gib * GIB),
        gpus=gpus,
        gpu_offload=bool(gpus),
    )


def test_the_shipped_catalog_is_complete_and_checkable() -> None:
    entries = load_catalog()
    assert len(entries) >= 6
    for entry in entries:
        assert len(entry.sha256) == 64
        assert entry.size_bytes > 500_000_000
        assert entry.file.endswith(".gguf")
        assert "es" in entry.languages or entry.spanish == "basic", entry.id
    sizes = [e.parameters_b for e in entries]
    assert min(sizes) <= 1.6
    assert max(sizes) >= 7
    assert find_entry(entries, entries[0].id.upper()) == entries[0]


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"sha256": "abc"}, "invalid sha256"),
        ({"file": "../../etc/passwd.gguf"}, "invalid file"),
        ({"size_bytes": -1}, "incomplete"),
        ({"spanish": "excellent"}, "invalid spanish"),
    ],
)
def test_a_broken_catalog_entry_is_named(
    tmp_path: Path, change: dict[str, object], reason: str
) -> None:
    raw = json.loads((resources_dir() / "catalog.json").read_text(encoding="utf-8"))
    raw["models"][0].update(change)
    path = tmp_path / "catalog.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    with pytest.raises(ModelError, match=reason):
        load_catalog(path)


def test_memory_need_is_weights_plus_kv_cache_plus_overhead() -> None:
    kv = 2 * 36 * 2 * 128 * 4096 * 2  # K and V, f16
    assert QWEN_3B.kv_cache_bytes(4096) == kv == 150_994_944
    assert QWEN_3B.memory_needed(4096) == QWEN_3B.size_bytes + kv + RUNTIME_OVERHEAD
    assert QWEN_3B.memory_needed(32768) - QWEN_3B.memory_needed(4096) == 7 * kv


def test_verdicts_follow_memory_and_cpu_speed() -> None:
    laptop = _machine(cores=8, total_gib=16, free_gib=10)
    assert assess(QWEN_3B, 4096, laptop).verdict is Verdict.FITS
    assert assess(QWEN_7B, 4096, laptop).verdict is Verdict.FITS

    two_cores = _machine(cores=2, total_gib=16, free_gib=10)
    slow = assess(QWEN_7B, 4096, two_cores)
    assert slow.verdict is Verdict.SLOW
    assert "tokens/s" in slow.reason
    assert slow.tokens_per_second < 5

    busy = _machine(cores=8, total_gib=8, free_gib=3)
    assert assess(QWEN_7B, 4096, busy).verdict is Verdict.SLOW
    assert "free now" in assess(QWEN_7B, 4096, busy).reason

    small = _machine(cores=8, total_gib=6, free_gib=5)
    too_big = assess(QWEN_7B, 4096, small)
    assert too_big.verdict is Verdict.WONT_FIT
    assert "6.0 GiB in all" in too_big.reason
    # A longer context alone can push a model out.
    assert assess(QWEN_3B, 4096, small).verdict is not Verdict.WONT_FIT
    assert assess(QWEN_3B, 131072, small).verdict is Verdict.WONT_FIT


def test_gpu_layers_come_from_free_vram() -> None:
    roomy = 8 * GIB
    assert gpu_layers_for(QWEN_7B, 4096, roomy) == -1  # everything fits
    partial = gpu_layers_for(QWEN_7B, 4096, 3 * GIB)
    per_layer = QWEN_7B.size_bytes / 29 + QWEN_7B.kv_cache_bytes(4096) / 28
    assert partial == int((3 * GIB - 512 * 1024 * 1024) // per_layer)
    assert 0 < partial < 28
    assert gpu_layers_for(QWEN_7B, 4096, 400 * 1024 * 1024) == 0
    # More context leaves room for fewer layers.
    assert gpu_layers_for(QWEN_7B, 32768, 3 * GIB) < partial


def test_a_gpu_changes_the_verdict_and_the_reason() -> None:
    gpu = Gpu("NVIDIA GeForce RTX 4060 Laptop GPU", 8 * GIB, 7 * GIB, "nvidia-smi")
    fit = assess(QWEN_7B, 4096, _machine(2, 16, 10, gpu))
    assert fit.gpu_layers == -1
    assert fit.verdict is Verdict.FITS
    assert "on the GPU (NVIDIA GeForce RTX 4060" in fit.reason
    # A GPU llama.cpp was not built for is not counted.
    no_backend = Machine(2, 16 * GIB, 10 * GIB, (gpu,), gpu_offload=False)
    assert assess(QWEN_7B, 4096, no_backend).gpu_layers == 0


def test_nvidia_smi_output_is_read_in_mib() -> None:
    text = "NVIDIA RTX A2000, 6138, 5821\nbroken line\nTesla T4, 15360, [N/A]\n"
    (gpu,) = parse_nvidia_smi(text)
    assert gpu.name == "NVIDIA RTX A2000"
    assert gpu.total_bytes == 6138 << 20
    assert gpu.free_bytes == 5821 << 20


def test_gpu_layer_setting_wins_and_no_backend_means_cpu(starter_model: Path) -> None:
    gpu = Gpu("test", 8 * GIB, 8 * GIB, "nvidia-smi")
    machine = _machine(4, 16, 10, gpu)
    assert choose_gpu_layers(Settings(gpu_layers=5), starter_model, machine) == 5
    assert choose_gpu_layers(Settings(), starter_model, machine) == -1
    assert choose_gpu_layers(Settings(), starter_model, None) == 0
    shape = read_gguf_info(starter_model).shape()
    assert shape is not None
    assert shape.layers == 18


def test_device_label_says_where_the_layers_run(tmp_path: Path) -> None:
    from app.core.models.engine import ModelInfo

    def info(offload: bool, layers: int) -> ModelInfo:
        return ModelInfo("m", tmp_path, "llama", 1, 4096, 4096, layers, offload, "plain", 2, 32)

    assert info(False, 0).device == "CPU"
    assert info(True, 0).device == "CPU (GPU not used)"
    assert info(True, -1).device == "GPU"
    assert info(True, 20).device == "GPU, 20 of 32 layers"


def test_llama_cpp_device_list_reads_this_build() -> None:
    from app.core.models.engine import gpu_devices, gpu_offload_supported

    every = gpu_devices(include_cpu=True)  # ggml's device API, through ctypes
    assert every  # at least the CPU backend
    assert all(d.name and d.total_bytes >= d.free_bytes >= 0 for d in every)
    if not gpu_offload_supported():  # this machine: a CPU build has no GPU device
        assert gpu_devices() == ()
